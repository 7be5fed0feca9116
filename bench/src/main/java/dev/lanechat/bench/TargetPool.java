package dev.lanechat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The targets of a run, made from the names asked for ({@code lanechat}, {@code ws}, {@code
 * socketio}): started before a scenario uses them and closed after, or (the smoke run) made once
 * and shared by every scenario; each PostgreSQL target gets a fresh database, dropped after.
 */
final class TargetPool implements AutoCloseable {
    private final List<String> names;
    private final Path work;
    private final Path serverJar;
    private final Path peersDir;
    private final String pgBase; // postgresql://127.0.0.1:5432 or null
    private final boolean reuseTargets;
    private final int sharedDemoDelayMs;
    private final Consumer<String> log;
    /** Runs that failed, by scenario (the full run goes on with the other targets). */
    final Map<Integer, List<String>> failures = new LinkedHashMap<>();

    private List<Target> shared;

    TargetPool(
            List<String> names,
            Path work,
            Path serverJar,
            Path peersDir,
            String pgBase,
            Params p,
            Consumer<String> log) {
        this.names = names;
        this.work = work;
        this.serverJar = serverJar;
        this.peersDir = peersDir;
        this.pgBase = pgBase;
        this.reuseTargets = p.reuseTargets();
        this.sharedDemoDelayMs = p.demoDelayMs();
        this.log = log;
    }

    /** The targets of a scenario: the shared ones in the smoke run (plus a PostgreSQL one if asked), else new ones. */
    List<Target> targetsFor(int demoDelayMs, boolean withPostgres) throws Exception {
        if (reuseTargets) {
            if (shared == null) {
                shared = build(sharedDemoDelayMs, false);
            }
            List<Target> list = new ArrayList<>(shared);
            if (withPostgres) {
                build(0, true).stream()
                        .filter(t -> t.name.equals("lanechat-postgres"))
                        .forEach(t -> list.add(1, t));
            }
            return list;
        }
        return build(demoDelayMs, withPostgres);
    }

    /** New targets, one of each kind asked for (and a PostgreSQL one when asked and reachable). */
    List<Target> build(int demoDelayMs, boolean withPostgres) throws Exception {
        List<Target> list = new ArrayList<>();
        for (String t : names) {
            switch (t) {
                case "lanechat" -> {
                    list.add(new Target.Lanechat("lanechat-sqlite", work, serverJar, null, demoDelayMs));
                    if (withPostgres && pgBase != null) {
                        String db = createDb();
                        if (db != null) {
                            list.add(new Target.Lanechat("lanechat-postgres", work, serverJar, db, demoDelayMs));
                        }
                    }
                }
                case "ws" -> list.add(new Target.Peer("node-ws", work, peersDir, "ws", demoDelayMs));
                case "socketio" -> list.add(new Target.Peer("socket.io", work, peersDir, "socketio", demoDelayMs));
                default -> throw new IllegalArgumentException("unknown target " + t);
            }
        }
        return list;
    }

    private final List<String> databases = new ArrayList<>();

    /** A fresh PostgreSQL database for one target, or null when PostgreSQL is not reachable. */
    private String createDb() {
        String name = "lc_bench_" + Long.toString(System.nanoTime(), 36);
        try {
            Proc.run(List.of("createdb", "-h", "127.0.0.1", "-U", "postgres", name), Duration.ofSeconds(30));
            databases.add(name);
            return pgBase + "/" + name + "?user=postgres";
        } catch (Exception e) {
            log.accept("PostgreSQL not used: " + e.getMessage());
            return null;
        }
    }

    private void dropDatabases() {
        for (String name : databases) {
            try {
                Proc.run(
                        List.of("dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name),
                        Duration.ofSeconds(30));
            } catch (Exception e) {
                log.accept("dropdb " + name + ": " + e.getMessage());
            }
        }
        databases.clear();
    }

    interface Body {
        void run(Target t) throws Exception;
    }

    /**
     * Runs {@code body} against each target, starting it first and closing it after (unless shared);
     * a failure fails the smoke run, and in a full run is noted under {@code scenario} and the run
     * goes on. Drops the PostgreSQL databases made for the list.
     */
    void each(int scenario, List<Target> list, Body body) throws Exception {
        try {
            for (Target t : list) {
                boolean keep = shared != null && shared.contains(t);
                try {
                    if (t.proc == null) {
                        t.start();
                    }
                    body.run(t);
                } catch (Exception e) {
                    log.accept(t.name + " failed: " + e);
                    if (reuseTargets) {
                        throw e; // the smoke run fails on any error
                    }
                    failures.computeIfAbsent(scenario, k -> new ArrayList<>()).add(t.name + ": " + e);
                } finally {
                    if (!keep) {
                        t.close();
                    }
                }
            }
        } finally {
            dropDatabases();
        }
    }

    /** Closes the shared targets. */
    @Override
    public void close() {
        if (shared != null) {
            shared.forEach(Target::close);
        }
    }
}
