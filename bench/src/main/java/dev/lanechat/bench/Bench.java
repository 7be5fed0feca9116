package dev.lanechat.bench;

import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>Each scenario's load against one target is a class of its own ({@link PushVsPoll}, {@link
 * FanOut}, {@link Capacity}, {@link Throughput}, {@link Storm}); this class runs the chosen ones
 * against every target of the {@link TargetPool}, adds the {@link Ratios} and the charts, and has
 * {@link ResultsFile} write RESULTS.md after each.
 */
public final class Bench {

    final Params p;
    final Path out;
    final Path work;
    final Path serverJar;
    final TargetPool pool;
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
        this.pool = new TargetPool(targets, work, this.serverJar, peersDir, pgBase, p, log);
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
        Params params = (o.containsKey("smoke") ? Params.smoke() : Params.full()).withOptions(o);
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
            long t0 = System.nanoTime();
            String load = ResultsFile.loadAverage();
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
                            ResultsFile.commit(),
                            (System.nanoTime() - t0) / 1e9,
                            load,
                            ResultsFile.loadAverage(),
                            work));
            writeResults(); // after each scenario, so that a stopped run keeps what it measured
        }
        pool.close();
        Files.deleteIfExists(serverJar); // the copy; the logs stay in the work folder
    }

    void pushVsPoll() throws Exception {
        Table table = new Table("1. Push vs polling");
        tables.put(1, table);
        pool.each(
                1,
                pool.targetsFor(p.demoDelayMs(), false),
                t -> PushVsPoll.run(t, p.pushTasks(), p.pushRate(), p.pollMs(), table, log));
        Ratios.add(table, "p50 ms", List.of(), " · push");
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
        for (Params.FanShape shape : p.fanShapes()) {
            // Sockets of many users need token mode and its users: fresh servers, never the shared ones.
            List<Target> list = shape.users() == 1 ? pool.targetsFor(0, false) : pool.build(0, false);
            if (shape.users() > 1) {
                list.forEach(t -> t.useUsers(shape.users()));
            }
            pool.each(
                    2,
                    list,
                    t -> series.put(
                            t.name + " (" + Table.format((long) shape.users()) + " users)",
                            FanOut.run(t, p.fanSockets(), shape.rates(), p.fanStepS(), table, log)));
        }
        Ratios.add(table, "p99 ms", List.of("users × sockets each", "events/s"), "");
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
                "2. Fan-out p99 latency, " + Table.format((long) p.fanSockets()) + " sockets (commit → receipt)",
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
        pool.each(
                3,
                pool.targetsFor(0, false),
                t -> Capacity.run(
                        t, p.capPerProcess(), p.capProcesses(), p.capHoldS(), p.stormSettleMs(), table, work, log));
        Ratios.add(table, "subscribed at once", List.of(), "");
        Ratios.add(table, "RSS / socket (KB)", List.of(), "");
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
        pool.each(4, pool.targetsFor(0, true), t -> Throughput.warmThenMeasure(t, p, table, log));
        Ratios.add(table, "tasks/s", List.of(), "");
        chartBars(
                4,
                "throughput.png",
                "4. End-to-end tasks/s (submit → event pushed)",
                "tasks/s",
                table,
                List.of("tasks/s"),
                false);
    }

    void storm() throws Exception {
        Table table = new Table("5. Reconnect storm");
        tables.put(5, table);
        List<Target> list = p.stormUsers() == 1 ? pool.targetsFor(0, false) : pool.build(0, false);
        if (p.stormUsers() > 1) {
            list.forEach(t -> t.useUsers(p.stormUsers()));
        }
        pool.each(5, list, t -> {
            if (!p.reuseTargets()) { // the smoke run does only the server-side drop
                Storm.run(t, p.stormSockets(), p.stormRate(), false, p.stormSettleMs(), table, log);
            }
            Storm.run(t, p.stormSockets(), p.stormRate(), true, p.stormSettleMs(), table, log);
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

    /** Writes RESULTS.md (see {@link ResultsFile#write}). */
    void writeResults() throws Exception {
        ResultsFile.write(this);
    }
}
