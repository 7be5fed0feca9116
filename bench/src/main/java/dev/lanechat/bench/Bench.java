package dev.lanechat.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The benchmark suite: {@code java -jar lanechat-bench.jar [--smoke] [--scenarios 1,2,3,4,5]
 * [--targets lanechat,ws,socketio] [--out DIR] [--server-jar JAR] [--peers DIR] [--pg URL|none] [--tp-tasks N]}.
 * Starts every server as its own process on 127.0.0.1, runs the scenarios with the same load
 * generator against Lanechat and the peers, and writes RESULTS.md and PNG charts to DIR.
 */
public final class Bench {

    /**
     * One fan-out ladder: the run's sockets spread over {@code users} users (an event goes to its
     * user's sockets only), at each of {@code rates} events per second.
     */
    record FanShape(int users, double[] rates) {}

    /** The sizes of a run: {@link #full()} for RESULTS.md, {@link #smoke()} for mvn verify. */
    record Params(
            String name,
            int pushTasks,
            double pushRate,
            long pollMs,
            int fanSockets,
            List<FanShape> fanShapes,
            int fanStepS,
            int capPerProcess,
            int capProcesses,
            int capHoldS,
            int tpTasks,
            int tpConcurrency,
            int stormSockets,
            int stormUsers,
            double stormRate,
            long stormSettleMs,
            int demoDelayMs,
            boolean reuseTargets) {
        static Params full() {
            return new Params(
                    "full",
                    1000,
                    20,
                    1000,
                    10_000,
                    List.of(
                            new FanShape(10_000, new double[] {100, 200, 500, 1000, 2000, 5000, 10_000}),
                            new FanShape(1, new double[] {0.5, 1, 2, 5, 10, 20})),
                    10,
                    10_500,
                    2,
                    120,
                    5000,
                    32,
                    10_000,
                    10_000,
                    20,
                    3000,
                    100,
                    false);
        }

        /** Tiny counts; one server per target for all scenarios (they start once), demo lane without delay. */
        static Params smoke() {
            return new Params(
                    "smoke",
                    20,
                    20,
                    300,
                    50,
                    List.of(new FanShape(50, new double[] {10}), new FanShape(1, new double[] {5})),
                    1,
                    50,
                    1,
                    30,
                    30,
                    8,
                    20,
                    1,
                    5,
                    500,
                    0,
                    true);
        }

        /** Another size of scenario 4's passes (a longer measured pass is nearer the steady state). */
        Params withTpTasks(int tasks) {
            return new Params(
                    name,
                    pushTasks,
                    pushRate,
                    pollMs,
                    fanSockets,
                    fanShapes,
                    fanStepS,
                    capPerProcess,
                    capProcesses,
                    capHoldS,
                    tasks,
                    tpConcurrency,
                    stormSockets,
                    stormUsers,
                    stormRate,
                    stormSettleMs,
                    demoDelayMs,
                    reuseTargets);
        }

        Params withStorm(int sockets, int users) {
            return new Params(
                    name,
                    pushTasks,
                    pushRate,
                    pollMs,
                    fanSockets,
                    fanShapes,
                    fanStepS,
                    capPerProcess,
                    capProcesses,
                    capHoldS,
                    tpTasks,
                    tpConcurrency,
                    sockets,
                    users,
                    stormRate,
                    stormSettleMs,
                    demoDelayMs,
                    reuseTargets);
        }

        Params withFanOut(int sockets, List<FanShape> shapes) {
            return new Params(
                    name,
                    pushTasks,
                    pushRate,
                    pollMs,
                    sockets,
                    shapes,
                    fanStepS,
                    capPerProcess,
                    capProcesses,
                    capHoldS,
                    tpTasks,
                    tpConcurrency,
                    stormSockets,
                    stormUsers,
                    stormRate,
                    stormSettleMs,
                    demoDelayMs,
                    reuseTargets);
        }
    }

    final Params p;
    final Path out;
    final Path work;
    final Path serverJar;
    final Path peersDir;
    final String pgBase; // postgresql://127.0.0.1:5432 or null
    final List<String> targets;
    final List<Integer> scenarios;
    final Consumer<String> log;
    final Map<Integer, Table> tables = new LinkedHashMap<>();
    final Map<Integer, String> timings = new LinkedHashMap<>();
    final List<String> charts = new ArrayList<>();
    final String command;

    Bench(
            Params p,
            Path out,
            Path serverJar,
            Path peersDir,
            String pgBase,
            List<String> targets,
            List<Integer> scenarios,
            Consumer<String> log,
            String command)
            throws Exception {
        this.p = p;
        this.out = Files.createDirectories(out);
        this.work = Files.createTempDirectory("lanechat-bench-");
        this.serverJar = Target.Lanechat.copyJar(serverJar, work);
        this.peersDir = peersDir;
        this.pgBase = pgBase;
        this.targets = targets;
        this.scenarios = scenarios;
        this.log = log;
        this.command = command;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--smoke")) {
                o.put("smoke", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                o.put(args[i].substring(2), args[++i]);
            }
        }
        Params params = o.containsKey("smoke") ? Params.smoke() : Params.full();
        if (o.containsKey("storm-sockets") || o.containsKey("storm-users")) {
            int sockets = Integer.parseInt(o.getOrDefault("storm-sockets", Integer.toString(params.stormSockets())));
            params = params.withStorm(
                    sockets,
                    Integer.parseInt(
                            o.getOrDefault("storm-users", Integer.toString(Math.min(sockets, params.stormUsers())))));
        }
        if (o.containsKey("fan-sockets") || o.containsKey("fan-users")) { // one other fan-out ladder
            double[] rates = Arrays.stream(
                            o.getOrDefault("fan-rates", "1,10,100").split(","))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            params = params.withFanOut(
                    Integer.parseInt(o.getOrDefault("fan-sockets", Integer.toString(params.fanSockets()))),
                    List.of(new FanShape(Integer.parseInt(o.getOrDefault("fan-users", "1")), rates)));
        }
        if (o.containsKey("tp-tasks")) {
            params = params.withTpTasks(Integer.parseInt(o.get("tp-tasks")));
        }
        Bench bench = new Bench(
                params,
                Path.of(o.getOrDefault("out", "bench")),
                Path.of(o.getOrDefault("server-jar", "server/target/lanechat-server.jar")),
                Path.of(o.getOrDefault("peers", "bench/peers")),
                o.getOrDefault("pg", "postgresql://127.0.0.1:5432").equals("none")
                        ? null
                        : o.getOrDefault("pg", "postgresql://127.0.0.1:5432"),
                Arrays.asList(o.getOrDefault("targets", "lanechat,ws,socketio").split(",")),
                Arrays.stream(o.getOrDefault("scenarios", "1,2,3,4,5").split(","))
                        .map(Integer::valueOf)
                        .toList(),
                line -> System.out.println(Instant.now() + " " + line),
                System.getProperty(
                        "bench.command", "java -jar bench/target/lanechat-bench.jar " + String.join(" ", args)));
        bench.run();
        bench.writeResults();
        System.exit(0);
    }

    /** Runs every scenario against every target. */
    void run() throws Exception {
        for (int s : scenarios) {
            scenario = s;
            long t0 = System.nanoTime();
            String load = loadAverage();
            switch (s) {
                case 1 -> pushVsPoll();
                case 2 -> fanOut();
                case 3 -> capacity();
                case 4 -> throughput();
                case 5 -> storm();
                default -> throw new IllegalArgumentException("no scenario " + s);
            }
            timings.put(
                    s,
                    String.format(
                            Locale.ROOT,
                            "run %s at commit %s; took %.0f s; load average at its start %s, "
                                    + "at its end %s; raw logs in %s",
                            Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                            commit(),
                            (System.nanoTime() - t0) / 1e9,
                            load,
                            loadAverage(),
                            work));
            writeResults(); // after each scenario, so that a stopped run keeps what it measured
        }
        if (shared != null) {
            shared.forEach(Target::close);
        }
        Files.deleteIfExists(serverJar); // the copy; the logs stay in the work folder
    }

    private List<Target> shared;

    private List<Target> targetsFor(int demoDelayMs, boolean withPostgres) throws Exception {
        if (p.reuseTargets) {
            if (shared == null) {
                shared = build(p.demoDelayMs, false);
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

    private List<Target> build(int demoDelayMs, boolean withPostgres) throws Exception {
        List<Target> list = new ArrayList<>();
        for (String t : targets) {
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

    final List<String> databases = new ArrayList<>();
    /** Runs that failed, by scenario (the full run goes on with the other targets). */
    final Map<Integer, List<String>> failures = new LinkedHashMap<>();

    private int scenario;

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

    private void each(List<Target> list, Body body) throws Exception {
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
                    if (p.reuseTargets) {
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

    void pushVsPoll() throws Exception {
        Table table = new Table("1. Push vs polling");
        tables.put(1, table);
        each(
                targetsFor(p.demoDelayMs, false),
                t -> Scenarios.pushVsPoll(t, p.pushTasks, p.pushRate, p.pollMs, table, log));
        ratio(table, "p50 ms", List.of(), " · push");
        chartBars(
                1,
                "push-vs-poll.png",
                "1. Delivery latency, completion → receipt (ms)",
                "ms",
                table,
                List.of("p50 ms", "p99 ms", "max ms"),
                true);
    }

    void fanOut() throws Exception {
        Table table = new Table("2. Fan-out latency");
        tables.put(2, table);
        Map<String, Map<Double, Double>> series = new LinkedHashMap<>();
        for (FanShape shape : p.fanShapes) {
            // Sockets of many users need token mode and its users: fresh servers, never the shared ones.
            List<Target> list = shape.users() == 1 ? targetsFor(0, false) : build(0, false);
            if (shape.users() > 1) {
                list.forEach(t -> t.useUsers(shape.users()));
            }
            each(
                    list,
                    t -> series.put(
                            t.name + " (" + Table.format((long) shape.users()) + " users)",
                            Scenarios.fanOut(t, p.fanSockets, shape.rates(), p.fanStepS, table, log)));
        }
        ratio(table, "p99 ms", List.of("users × sockets each", "events/s"), "");
        for (Map<String, Object> first : table.rows) {
            String target = (String) first.get("target");
            Object shape = first.get("users × sockets each");
            if (table.rows.stream()
                            .filter(r -> r.get("target").equals(target)
                                    && r.get("users × sockets each").equals(shape))
                            .findFirst()
                            .orElseThrow()
                    != first) {
                continue; // one note per target and shape
            }
            Map<String, Object> best = table.rows.stream()
                    .filter(r -> r.get("target").equals(target)
                            && r.get("users × sockets each").equals(shape))
                    .filter(r -> ((Double) r.get("p99 ms")) < 50 && ((Number) r.get("missing")).longValue() == 0)
                    .max(java.util.Comparator.comparingDouble(r -> (Double) r.get("events/s sent")))
                    .orElse(null);
            table.notes.add("**" + target + "**, " + shape
                    + " (users × sockets each): highest rate held with p99 < 50 ms: "
                    + (best == null
                            ? "none of the steps"
                            : Table.format(best.get("events/s sent")) + " events/s = "
                                    + Table.format(best.get("deliveries/s (sent × sockets each)")) + " deliveries/s"));
        }
        Path png = out.resolve("fan-out.png");
        Charts.lines(
                png,
                "2. Fan-out p99 latency, " + Table.format((long) p.fanSockets) + " sockets (commit → receipt)",
                "deliveries/s (events/s × sockets per user)",
                "p99 ms",
                series,
                true,
                50);
        charts.add("2:" + png.getFileName());
    }

    void capacity() throws Exception {
        Table table = new Table("3. Idle capacity");
        tables.put(3, table);
        each(
                targetsFor(0, false),
                t -> Scenarios.capacity(
                        t, p.capPerProcess, p.capProcesses, p.capHoldS, p.stormSettleMs, table, work, log));
        ratio(table, "subscribed at once", List.of(), "");
        ratio(table, "RSS / socket (KB)", List.of(), "");
        chartBars(
                3,
                "capacity.png",
                "3. Sockets subscribed at once on one node",
                "sockets",
                table,
                List.of("subscribed at once"),
                false);
        chartBars(
                3,
                "memory-per-socket.png",
                "3. Memory per idle socket (KB)",
                "KB",
                table,
                List.of("heap / socket (KB)", "RSS / socket (KB)"),
                false);
    }

    void throughput() throws Exception {
        Table table = new Table("4. End-to-end tasks/s");
        tables.put(4, table);
        // Each target first runs the same load unrecorded: a profile of Lanechat under a cold run
        // (issue 15) had 45-48 % of its samples in the JIT compilers, so a cold run measured the
        // compiler as much as the write path. The peers get the same warm-up.
        each(targetsFor(0, true), t -> {
            // The warm-up also lasts a few seconds (its extra tasks reuse the first conversations):
            // the generator's own JIT is done before the first target's measured pass.
            Table warm = new Table("warm-up");
            int quick = p.reuseTargets ? 0 : WARM_UP_SECONDS;
            Scenarios.throughput(t, p.tpTasks, 10 * p.tpTasks, quick, p.tpTasks, p.tpConcurrency, warm, log);
            int max = maxMeasuredTasks(warm);
            Scenarios.throughput(
                    t, p.tpTasks, max, p.reuseTargets ? 0 : MEASURED_SECONDS, max, p.tpConcurrency, table, log);
        });
        ratio(table, "tasks/s", List.of(), "");
        chartBars(
                4,
                "throughput.png",
                "4. End-to-end tasks/s (submit → event pushed)",
                "tasks/s",
                table,
                List.of("tasks/s"),
                false);
    }

    /**
     * The measured pass runs for {@link #MEASURED_SECONDS} and at least the run's count of tasks:
     * 5,000 tasks took a peer under 1 s, too short for /proc's 10 ms CPU ticks and for the first and
     * last milliseconds not to matter. Its cap (what Lanechat prepares conversations for): twice what
     * the warm-up's rate does in that time, at most 10× the count.
     */
    private int maxMeasuredTasks(Table warm) {
        if (p.reuseTargets || warm.rows.isEmpty()) {
            return p.tpTasks; // the smoke run
        }
        double rate = ((Number) warm.rows.get(0).get("tasks/s")).doubleValue();
        long wanted = Math.round(2 * rate * MEASURED_SECONDS);
        return (int) Math.max(p.tpTasks, Math.min(10L * p.tpTasks, wanted));
    }

    static final int MEASURED_SECONDS = 5;
    static final int WARM_UP_SECONDS = 3;

    void storm() throws Exception {
        Table table = new Table("5. Reconnect storm");
        tables.put(5, table);
        List<Target> list = p.stormUsers == 1 ? targetsFor(0, false) : build(0, false);
        if (p.stormUsers > 1) {
            list.forEach(t -> t.useUsers(p.stormUsers));
        }
        each(list, t -> {
            if (!p.reuseTargets) { // the smoke run does only the server-side drop
                Scenarios.storm(t, p.stormSockets, p.stormRate, false, p.stormSettleMs, table, log);
            }
            Scenarios.storm(t, p.stormSockets, p.stormRate, true, p.stormSettleMs, table, log);
        });
        chartBars(
                5,
                "storm.png",
                "5. Reconnect storm: seconds until every socket resumed",
                "s",
                table,
                List.of("all resumed after (s)"),
                false);
    }

    /** Adds "Lanechat ÷ this" for {@code column} to each peer row (matching the {@code keys} columns). */
    private static boolean generatorLimited(Map<String, Object> row) {
        return String.valueOf(row.get("limited by")).contains(Scenarios.GENERATOR_LIMITED);
    }

    private static void ratio(Table table, String column, List<String> keys, String lanechatSuffix) {
        for (Map<String, Object> row : table.rows) {
            String target = (String) row.get("target");
            if (target.startsWith("lanechat")) {
                continue;
            }
            String suffix = target.contains(" · ") ? target.substring(target.indexOf(" · ")) : lanechatSuffix;
            table.rows.stream()
                    .filter(r -> ("lanechat-sqlite" + suffix).equals(r.get("target"))
                            && keys.stream().allMatch(k -> java.util.Objects.equals(r.get(k), row.get(k))))
                    .findFirst()
                    .ifPresent(lc -> {
                        double a = ((Number) lc.get(column)).doubleValue(),
                                b = ((Number) row.get(column)).doubleValue();
                        double r = b == 0 ? Double.NaN : a / b;
                        // a ratio against a generator-limited row is a bound, not a figure: say so
                        boolean bound = generatorLimited(lc) || generatorLimited(row);
                        row.put(
                                "Lanechat ÷ this (" + column + ")",
                                bound ? Table.format(r) + " (" + Scenarios.GENERATOR_LIMITED + ")" : r);
                    });
        }
    }

    private void chartBars(
            int scenario, String file, String title, String unit, Table table, List<String> columns, boolean log)
            throws Exception {
        List<String> cats = new ArrayList<>();
        List<double[]> vals = new ArrayList<>();
        for (Map<String, Object> row : table.rows) {
            cats.add((String) row.get("target"));
            double[] v = new double[columns.size()];
            for (int i = 0; i < columns.size(); i++) {
                Object x = row.get(columns.get(i));
                v[i] = x instanceof Number n ? n.doubleValue() : Double.NaN;
            }
            vals.add(v);
        }
        Path png = out.resolve(file);
        Charts.bars(png, title, unit, cats, columns, vals.toArray(double[][]::new), log);
        charts.add(scenario + ":" + png.getFileName());
    }

    // ---- RESULTS.md ----------------------------------------------------------------------------

    static final Map<Integer, String> ABOUT = Map.of(
            1,
                    "The same tasks (demo lane thinking 100 ms, the peers' timer 100 ms), submitted at a steady rate, are "
                            + "received at once by one subscribed socket AND by the polling fallback (GET of the task every "
                            + "1000 ms, the web client's interval, at a random phase, until it is done). Latency is from the "
                            + "task's completion stamp (`updated_at`) to receipt. The rate stays under the demo lane's "
                            + "capacity (4 workers).",
            2,
                    "10,000 subscribed sockets in two shapes. **10,000 users × 1 socket** (token mode; each event goes "
                            + "to its user's one socket, so events/s = deliveries/s: the issue's 1k, 5k and 10k events per "
                            + "second) and **1 user × 10,000 sockets** (open mode; each event goes to every socket: the widest "
                            + "fan-out, one event = 10,000 frames). Lanechat's fan-out is per user, like the peers' here. Each "
                            + "step submits tasks (one event each) paced by the clock for 10 s, at most 256 submits in flight "
                            + "(the ladder starts with one such step at its first rate, unrecorded, to warm the target up): "
                            + "a server that cannot take the rate gets fewer (\"events/s sent\"). Latency: the task's "
                            + "completion stamp → each socket's receipt. A ladder stops once p99 passes 2 s, more than 1 % of "
                            + "deliveries go missing, or under 90 % of the rate could be sent (the generator's HTTP "
                            + "submits share the 2 cores with the server: see both CPU columns). For "
                            + "Lanechat, \"server push lag p99\" (from /metrics: commit → frame written) separates the push "
                            + "from the commit, which is where most of its latency is: every task is three transactions on "
                            + "SQLite's one writer (those that queue behind a commit share the next one's fsync), and high "
                            + "on the ladder the server's CPU is full.",
            3,
                    "Generator processes (each its own JVM, its own 127.0.0.x source address) open subscribed sockets until "
                            + "refused; then the server's heap after a full GC and its RSS are read and divided by the sockets "
                            + "(minus the same figures before). THE LIMIT HERE: the open-file limit is 20,000 per process and "
                            + "cannot be raised on this machine, so no server process (Lanechat or peer) can hold more than "
                            + "~19,900 sockets; the per-socket memory is what to extrapolate from.",
            4,
                    "Tasks submitted over HTTP with a fixed number in flight (Lanechat: conversations of 10 messages, made "
                            + "before the clock starts), demo lane with no delay, one socket receives every event. tasks/s = "
                            + "events received ÷ (last receipt − first submit). Each target first runs the same load once, "
                            + "unrecorded, to warm it up (a cold JVM spent about half its CPU in the JIT compilers); the "
                            + "measured pass then lasts "
                            + MEASURED_SECONDS
                            + " s and at least 5,000 tasks (at most 50,000). The submits: 32 HTTP/1.1 keep-alive "
                            + "connections, one submit in flight on each, the next sent as soon as the answer is read, "
                            + "all driven by one thread over one selector. The generator's CPU per task is beside the server's; a row whose "
                            + "generator used at least the server's CPU on a full machine says generator-limited, and "
                            + "a ratio against it is no figure.",
            5,
                    "10,000 sockets of 10,000 users (token mode: a deployment's sockets belong to many people; with all "
                            + "of them one user, each event would be 10,000 frames and the run would measure that broadcast, not "
                            + "the reconnect), subscribed with protocol.md's reconnect (1 s backoff + ≤ 20 % jitter, doubling, "
                            + "capped at 30 s) and `since`; tasks keep coming (20/s, spread over the users); then every socket "
                            + "is dropped at once. A handshake without "
                            + "`ready` after 30 s is abandoned and retried with the backoff. Counted: time until every socket "
                            + "has its `ready` again (the window is 240 s), and events lost among the sockets that resumed "
                            + "(gaps in the per-user ids, or not received by the end; must be 0). A socket still out at the "
                            + "window's end is counted as not resumed.");

    /**
     * Writes RESULTS.md: the machine, then one section per scenario. A run of some scenarios
     * replaces their sections and keeps the others from the file as it was (each section names the
     * run it comes from).
     */
    void writeResults() throws Exception {
        Path file = out.resolve("RESULTS.md");
        Map<Integer, String> earlier = Files.exists(file) ? sections(Files.readString(file)) : Map.of();
        StringBuilder md = new StringBuilder();
        md.append("# Lanechat benchmarks\n\n");
        md.append("Written by `bench/run.sh` (")
                .append(p.name)
                .append(" sizes). Each section names the command and ")
                .append(
                        "the run it comes from: a run of some scenarios (`--scenarios 2,5`) rewrites their sections and ")
                .append("keeps the others.\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPUs (`nproc`) | ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| JDK | ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append(" |\n");
        md.append("| Node | ")
                .append(safe(() ->
                        Proc.run(List.of("node", "-v"), Duration.ofSeconds(10)).strip()))
                .append(" |\n");
        md.append("| OS | ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append(" |\n");
        md.append("| open files per process | 20,000 (hard limit of this machine) |\n");
        md.append("| network | loopback only (127.0.0.0/8); generator, servers and peers share the CPUs |\n\n");
        md.append(
                "Targets: **lanechat-sqlite** / **lanechat-postgres** (the server jar, `java -jar lanechat-server.jar serve`, "
                        + "its own JVM with default flags), **node-ws** (`bench/peers/server.js --kind ws`, ws 8.23.0) and "
                        + "**socket.io** (`--kind socketio`, socket.io 4.8.4, websocket transport only).\n\n");
        md.append("**The peers do less work than Lanechat.** A peer keeps its tasks and its event log in memory: no "
                + "durable log, no database, no transaction; a timer completes a task. Lanechat commits the user message, "
                + "the pending answer and the task in one transaction, claims it in another, and writes the result, the "
                + "answer and the event-log row in a third before it pushes. A peer restart loses every event.\n\n");
        md.append("Load generator: Jetty 12.1.12's WebSocket client (one selector, a few KB per socket; the JDK's "
                + "`java.net.http` WebSocket would cost ~100 KB a socket), HTTP by Jetty's HttpClient too (HTTP/1.1 keep-alive, "
                + "a few pooled threads; `java.net.http` made a thread per response on 2 cores). Each table shows the "
                + "generator's own CPU (cores used, from `OperatingSystemMXBean`) beside the server's (from /proc); when "
                + "the two together fill the machine the row says so, and then the figure is a limit of this one "
                + "machine, not of the server alone. Timestamps: Lanechat stamps `updated_at` with millisecond "
                + "precision just before the completing transaction (so its commit→receipt figures include the commit "
                + "itself and up to 1 ms of truncation); the peers stamp in microseconds.\n\n");
        md.append("Server-side figures come from Lanechat's `GET /metrics` (see the README's Metrics section).\n\n");
        for (int s = 1; s <= 5; s++) {
            Table t = tables.get(s);
            if (t == null) {
                md.append(earlier.getOrDefault(s, ""));
                continue;
            }
            md.append("## ").append(t.title).append("\n\n");
            md.append(ABOUT.get(s)).append("\n\n");
            md.append("Command: `bench/run.sh --scenarios ")
                    .append(s)
                    .append(p.name.equals("smoke") ? " --smoke" : "")
                    .append("` (")
                    .append(timings.getOrDefault(s, "?"))
                    .append(")\n\n");
            md.append(t.markdown()).append('\n');
            for (String n : t.notes) {
                md.append("- ").append(n).append('\n');
            }
            if (!t.notes.isEmpty()) {
                md.append('\n');
            }
            for (String c : charts) {
                if (c.startsWith(s + ":")) {
                    md.append("![")
                            .append(t.title)
                            .append("](")
                            .append(c.substring(c.indexOf(':') + 1))
                            .append(")\n\n");
                }
            }
            List<String> failed = failures.getOrDefault(s, List.of());
            if (!failed.isEmpty()) {
                md.append("Runs that failed in this scenario:\n\n");
                failed.forEach(f -> md.append("- ")
                        .append(f.length() > 600 ? f.substring(0, 600) + "…" : f)
                        .append('\n'));
                md.append('\n');
            }
        }
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    /** The "## N. …" sections of an earlier RESULTS.md, by scenario number, each up to the next "## ". */
    static Map<Integer, String> sections(String md) {
        Map<Integer, String> out = new LinkedHashMap<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?m)^## (\\d)\\. ").matcher(md);
        while (m.find()) {
            int from = m.start();
            int to = md.indexOf("\n## ", m.end());
            out.put(Integer.parseInt(m.group(1)), to < 0 ? md.substring(from) : md.substring(from, to + 1));
        }
        return out;
    }

    /** The commit the bench runs at, "-dirty" when the tree has changes besides the bench's own output. */
    static String commit() {
        return safe(() -> {
            String head = Proc.run(List.of("git", "rev-parse", "--short", "HEAD"), Duration.ofSeconds(10))
                    .strip();
            String changed = Proc.run(
                            List.of(
                                    "git",
                                    "status",
                                    "--porcelain",
                                    "--untracked-files=no",
                                    "--",
                                    ".",
                                    ":(exclude)bench/RESULTS.md",
                                    ":(exclude)bench/*.png"),
                            Duration.ofSeconds(10))
                    .strip();
            return changed.isEmpty() ? head : head + "-dirty";
        });
    }

    interface Supplier {
        String get() throws Exception;
    }

    static String safe(Supplier s) {
        try {
            return s.get();
        } catch (Exception e) {
            return "?";
        }
    }

    /** The 1-minute load average (runnable threads of the whole machine, other users' included). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "?";
    }
}
