package dev.lanechat.server;

import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.ConfigException;
import dev.lanechat.server.config.ConfigParser;
import dev.lanechat.server.store.StoreSetupException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The server's command line: {@code serve [options]}. Reads the flags and the environment into a
 * {@link Config}, starts {@link LanechatServer}, and stops it on Ctrl-C or SIGTERM.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Clock clock = Clock.systemUTC();
        List<String> words = Arrays.asList(args);
        String command = words.isEmpty() ? "help" : words.get(0);
        List<String> rest = words.isEmpty() ? List.of() : words.subList(1, words.size());
        switch (command) {
            case "serve" -> System.exit(serve(rest, clock));
            case "users" -> System.exit(UsersCommand.run(rest, System.out, System.err, clock));
            case "version", "--version" -> System.out.println("lanechat " + LanechatServer.version());
            case "help", "--help", "-h" -> System.out.println(usage());
            default -> {
                System.err.println("lanechat: unknown command '" + command + "'");
                System.err.println(usage());
                System.exit(2);
            }
        }
    }

    private static int serve(List<String> args, Clock clock) {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println(ConfigParser.help());
            return 0;
        }
        HeapFootprint.apply();
        LanechatServer server;
        try {
            Config config = ConfigParser.parse(args, System.getenv());
            server = LanechatServer.start(config, clock);
        } catch (ConfigException | StoreSetupException e) {
            System.err.println("lanechat serve: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("lanechat serve: could not start: " + rootMessage(e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Lanechat stopping…");
                            server.close();
                            System.out.println("Lanechat stopped");
                            stopped.countDown();
                        },
                        "shutdown"));
        System.out.println("Lanechat listening on " + server.url());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static String usage() {
        return String.join(
                System.lineSeparator(),
                "Usage: lanechat <command> [options]",
                "",
                "Commands:",
                "  serve     start the server (lanechat serve --help for its options)",
                "  users     add, list or revoke users of token mode (lanechat users --help)",
                "  send      send one message and print the answer (client)",
                "  chat      chat in the terminal (client)",
                "  watch     print your events as they arrive (client)",
                "  worker    serve a lane of processor: worker (client; lanechat worker --help)",
                "  version   print the version");
    }
}
