package dev.lanechat.server;

import dev.lanechat.server.auth.UserNames;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.ConfigException;
import dev.lanechat.server.config.ConfigParser;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.StoreSetupException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code lanechat users add NAME... [--admin | --worker [--lanes a,b]] | list | revoke NAME [--data-dir D] [--db URL]}: user admin for
 * token mode, straight on the store (a running server sees the change at once).
 */
final class UsersCommand {
    private UsersCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err, Clock clock) {
        List<String> words = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        boolean worker = false;
        boolean admin = false;
        String lanesFlag = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--worker")) {
                worker = true;
            } else if (a.equals("--admin")) {
                admin = true;
            } else if (a.equals("--lanes") || a.startsWith("--lanes=")) {
                // Here --lanes names the lanes a worker may serve (for serve, it is the lanes file).
                if (a.equals("--lanes") && i + 1 >= args.size()) {
                    err.println("lanechat users: --lanes needs lane names, comma-separated");
                    return 2;
                }
                lanesFlag = a.equals("--lanes") ? args.get(++i) : a.substring("--lanes=".length());
            } else if (a.startsWith("--") && !a.contains("=") && i + 1 < args.size() && !a.equals("--help")) {
                flags.add(a);
                flags.add(args.get(++i));
            } else if (a.startsWith("--")) {
                flags.add(a);
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty() || flags.contains("--help")) {
            out.println(usage());
            return words.isEmpty() && !flags.contains("--help") ? 2 : 0;
        }
        Config config;
        try {
            config = ConfigParser.parse(flags, System.getenv());
        } catch (ConfigException e) {
            err.println("lanechat users: " + e.getMessage());
            return 2;
        }
        String action = words.get(0);
        boolean usage = switch (action) {
            case "add" -> words.size() < 2;
            case "revoke" -> words.size() != 2;
            default -> words.size() != 1;
        };
        if (usage) {
            err.println(usage());
            return 2;
        }
        if (admin && (!action.equals("add") || worker)) {
            err.println("lanechat users: --admin makes a person an admin: it goes with 'add NAME' (not --worker)");
            return 2;
        }
        String role = admin ? Users.ROLE_ADMIN : Users.ROLE_USER;
        List<String> lanes = null;
        if (lanesFlag != null) {
            if (!action.equals("add") || !worker) {
                err.println("lanechat users: --lanes limits a worker: it goes with 'add NAME --worker'");
                return 2;
            }
            lanes = java.util.Arrays.stream(lanesFlag.split(",", -1))
                    .map(String::strip)
                    .toList();
            String problem = UserNames.whyNotLanes(lanes);
            if (problem != null) {
                err.println("lanechat users: " + problem);
                return 2;
            }
        }
        try (Database db = Database.open(config.db(), config.dataDir(), 0, config.dbPool())) {
            Users users = new Users(db.jdbi(), clock);
            switch (action) {
                case "add" -> {
                    List<String> names = words.subList(1, words.size());
                    if (names.size() > 1) {
                        return addMany(users, names, worker ? Users.WORKER : Users.USER, lanes, role, out, err);
                    }
                    String token = users.add(names.get(0), worker ? Users.WORKER : Users.USER, lanes, role);
                    out.println(
                            admin
                                    ? "Created admin '" + names.get(0)
                                            + "'. Its API token (shown once; keep it secret; it"
                                            + " may use the admin page and API):"
                                    : worker
                                            ? "Created worker '" + names.get(0)
                                                    + "'. Its worker token (shown once; keep it secret;"
                                                    + " it works on the worker API only"
                                                    + (lanes == null
                                                            ? ""
                                                            : ", for the lanes " + String.join(",", lanes))
                                                    + "):"
                                            : "Created user '" + names.get(0)
                                                    + "'. Its API token (shown once; keep it secret):");
                    out.println(token);
                }
                case "list" ->
                    users.list()
                            .forEach(u -> out.println(u.name() + "\t" + u.createdAt() + (u.revoked() ? "\trevoked" : "")
                                    + (Users.WORKER.equals(u.kind()) ? "\tworker" : "")
                                    + (Users.ROLE_ADMIN.equals(u.role()) ? "\tadmin" : "")
                                    + (u.lanes() == null ? "" : "\tlanes=" + String.join(",", u.lanes()))));
                case "revoke" -> {
                    if (!users.revoke(words.get(1))) {
                        err.println("lanechat users: no user '" + words.get(1) + "'");
                        return 1;
                    }
                    out.println("Revoked user '" + words.get(1) + "': its token and sessions no longer work.");
                }
                default -> {
                    err.println(usage());
                    return 2;
                }
            }
            return 0;
        } catch (IllegalArgumentException | ConfigException | StoreSetupException e) {
            err.println("lanechat users: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Several names at once (provisioning a team, or a benchmark's thousands): every name is checked
     * before any is created, so a typo creates nobody; then one {@code NAME<TAB>TOKEN} line each
     * on stdout, for a script to read, and the count on stderr.
     */
    private static int addMany(
            Users users,
            List<String> names,
            String kind,
            List<String> lanes,
            String role,
            PrintStream out,
            PrintStream err) {
        if (names.stream().distinct().count() != names.size()) {
            err.println("lanechat users: a name is given twice; nobody was created");
            return 1;
        }
        for (String name : names) {
            String problem = users.whyNotAddable(name);
            if (problem != null) {
                err.println("lanechat users: " + problem + "; nobody was created");
                return 1;
            }
        }
        for (String name : names) {
            out.println(name + "\t" + users.add(name, kind, lanes, role));
        }
        err.println("Created " + names.size() + (Users.WORKER.equals(kind) ? " workers" : " users")
                + ": one NAME<TAB>TOKEN line each (shown once; keep them secret).");
        return 0;
    }

    private static String usage() {
        return String.join(
                System.lineSeparator(),
                "Usage: lanechat users add NAME... [--admin | --worker [--lanes LANE,...]] | list | revoke NAME [--data-dir DIR] [--db URL]",
                "",
                "  add NAME      create a user and print its new API token (alone on the last line)",
                "  add NAME NAME...",
                "                create several (all names checked first); prints NAME<TAB>TOKEN lines",
                "  add NAME --admin",
                "                create an admin: a user who may also use the admin page and API",
                "  add NAME --worker",
                "                create a worker identity: its token serves lanes over the worker API only",
                "  add NAME --worker --lanes a,b",
                "                a worker that may serve only lanes a and b (others look unknown to it)",
                "  list          list the users",
                "  revoke NAME   revoke a user's token and end its browser sessions");
    }
}
