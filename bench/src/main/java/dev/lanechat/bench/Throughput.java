package dev.lanechat.bench;

import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/** Scenario 4: end-to-end tasks per second, a fixed number of submits in flight. */
final class Throughput {
    private Throughput() {}

    /**
     * Scenario 4 against one target: the same load unrecorded until the target is warm, then the
     * measured pass. A profile of Lanechat under a cold run (issue 15) had 45-48 % of its samples
     * in the JIT compilers, so a cold run measured the compiler as much as the write path; the
     * peers get the same first pass. In the smoke run ({@code reuseTargets}) neither pass has a
     * minimum length.
     */
    static void warmThenMeasure(Target t, Params p, Table table, Consumer<String> log) throws Exception {
        Table warm = p.reuseTargets() ? warmUpPass(t, p, 0, log) : warmUp(t, p, log);
        int max = maxMeasuredTasks(p, warm);
        run(t, p.tpTasks(), max, p.reuseTargets() ? 0 : MEASURED_SECONDS, max, p.tpConcurrency(), table, log);
    }

    /**
     * Passes of at least {@link #WARM_UP_SECONDS} (their extra tasks reuse each pass's first
     * conversations) until the target's JIT is done: for Lanechat, until a pass's compile time (the
     * server's {@code jvm_compilation_time_ms_total}) is under {@link #JIT_DONE_SHARE} of the pass,
     * for at most {@link #MAX_WARM_UP_SECONDS}; a peer, whose JIT the bench cannot see, gets one
     * pass. Returns the last pass's table.
     */
    private static Table warmUp(Target t, Params p, Consumer<String> log) throws Exception {
        long deadline =
                System.nanoTime() + Duration.ofSeconds(MAX_WARM_UP_SECONDS).toNanos();
        for (int pass = 1; ; pass++) {
            double jit0 = compileMillis(t);
            long w0 = System.nanoTime();
            Table warm = warmUpPass(t, p, WARM_UP_SECONDS, log);
            double seconds = (System.nanoTime() - w0) / 1e9;
            double share = (compileMillis(t) - jit0) / 1e3 / seconds;
            if (Double.isNaN(share)) {
                return warm;
            }
            log.accept(String.format(
                    "%s warm-up pass %d: %.1f s, JIT %.1f %% of one core", t.name, pass, seconds, 100 * share));
            if (share < JIT_DONE_SHARE || System.nanoTime() > deadline) {
                return warm;
            }
        }
    }

    private static Table warmUpPass(Target t, Params p, int minSeconds, Consumer<String> log) throws Exception {
        Table warm = new Table("warm-up");
        run(t, p.tpTasks(), 10 * p.tpTasks(), minSeconds, p.tpTasks(), p.tpConcurrency(), warm, log);
        return warm;
    }

    /** The JIT's milliseconds so far in a Lanechat server; NaN for a peer. */
    private static double compileMillis(Target t) throws Exception {
        if (!(t instanceof Target.Lanechat l)) {
            return Double.NaN;
        }
        return Target.Lanechat.sumMetric(l.metrics(), "jvm_compilation_time_ms_total", "");
    }

    /**
     * The measured pass runs for {@link #MEASURED_SECONDS} and at least the run's count of tasks:
     * 5,000 tasks took a peer under 1 s, too short for /proc's 10 ms CPU ticks and for the first and
     * last milliseconds not to matter. Its cap (what Lanechat prepares conversations for): twice what
     * the warm-up's rate does in that time, at most 10× the count.
     */
    private static int maxMeasuredTasks(Params p, Table warm) {
        if (p.reuseTargets() || warm.rows.isEmpty()) {
            return p.tpTasks(); // the smoke run
        }
        double rate = ((Number) warm.rows.get(0).get("tasks/s")).doubleValue();
        long wanted = Math.round(2 * rate * MEASURED_SECONDS);
        return (int) Math.max(p.tpTasks(), Math.min(10L * p.tpTasks(), wanted));
    }

    static final int MEASURED_SECONDS = 5;
    /**
     * A warm-up pass lasts at least this long (at most 10× the run's count of tasks). With 3 s, C2
     * was still compiling through Lanechat's measured pass on 2 cores: 1,959 tasks/s at 0.80 ms of
     * CPU each, against 4,341/s at 0.32 ms after 50,000 warm-up tasks, same build. A peer reaches
     * the cap within seconds. On a slower 2-core machine (session 33) one pass of 20 s was not
     * enough either: 951 tasks/s at 1.51 ms after it, 1,435-1,562/s at 0.81-0.87 ms after 100,000
     * warm-up tasks; hence passes until the JIT is done.
     */
    static final int WARM_UP_SECONDS = 20;

    /** The JIT is done when a pass's compile time is under this share of one core. */
    static final double JIT_DONE_SHARE = 0.02;

    static final int MAX_WARM_UP_SECONDS = 150;

    /**
     * Scenario 4: at least {@code minTasks} submits, {@code concurrency} at a time, going on until
     * {@code minSeconds} have passed but never past {@code maxTasks}; the one socket's receipts give
     * the end of each task. The submits come from {@link Submitter} (one thread, one selector).
     * Lanechat prepares conversations for {@code prepareTasks} first (past them, submits go on
     * round the same conversations).
     */
    static void run(
            Target t,
            int minTasks,
            int maxTasks,
            int minSeconds,
            int prepareTasks,
            int concurrency,
            Table table,
            Consumer<String> log)
            throws Exception {
        maxTasks = Math.max(minTasks, maxTasks);
        try (Gen gen = new Gen(null)) {
            Recorder rec = new Recorder(maxTasks * 2 + 100);
            Gen.Stream stream = gen.subscribeOne(t.endpoint(), rec, t.name);
            t.prepare(prepareTasks);
            String before = t instanceof Target.Lanechat l ? l.metrics() : null;
            Submitter run = new Submitter(
                    t, minTasks, maxTasks, Duration.ofSeconds(minSeconds).toNanos());
            long cpu0 = CpuUse.ownNanos(), scpu0 = t.cpuNanos(), busy0 = CpuUse.machineBusy(), w0 = System.nanoTime();
            long start = Gen.nowMicros();
            run.run(concurrency, Duration.ofSeconds(120).toNanos());
            int tasks = run.issued;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && rec.firstReceipt.size() + run.failures < tasks) {
                Thread.sleep(10);
            }
            long wall = System.nanoTime() - w0;
            long genCpu = CpuUse.ownNanos() - cpu0, srvCpu = t.cpuNanos() - scpu0, busy = CpuUse.machineBusy() - busy0;
            long last = rec.firstReceipt.values().stream()
                    .mapToLong(Long::longValue)
                    .max()
                    .orElse(start);
            long[] e2e = new long[tasks];
            long[] submitLat = new long[tasks];
            int k = 0, ns = 0;
            for (int i = 0; i < tasks; i++) {
                String id = run.ids[i];
                if (id == null) {
                    continue;
                }
                submitLat[ns++] = run.answeredMicros[i] - run.sentMicros[i];
                Long r = rec.firstReceipt.get(id);
                if (r != null) {
                    e2e[k++] = r - run.sentMicros[i];
                }
            }
            Stats sl = new Stats(submitLat, ns), el = new Stats(e2e, k);
            int received = rec.firstReceipt.size();
            Map<String, Object> row = table.row(t.name);
            row.put("tasks", (long) tasks);
            row.put("concurrent submits", (long) concurrency);
            row.put("events received", (long) received);
            row.put("tasks/s", received / Math.max(1e-6, (last - start) / 1e6));
            row.put("submit p50 ms", sl.ms(0.5));
            row.put("submit p99 ms", sl.ms(0.99));
            row.put("submit→event p50 ms", el.ms(0.5));
            row.put("submit→event p99 ms", el.ms(0.99));
            if (before != null) {
                String after = ((Target.Lanechat) t).metrics();
                row.put(
                        "server push lag p99 ms (/metrics)",
                        MetricsHistogram.quantile(before, after, "lanechat_push_lag_seconds", 0.99) * 1000);
                row.put(
                        "stamp→commit p99 ms (/metrics)",
                        MetricsHistogram.quantile(before, after, "lanechat_store_stamp_to_commit_seconds", 0.99)
                                * 1000);
            }
            CpuUse.cpu(row, genCpu, srvCpu, busy, wall);
            // Issue 15's yardstick: the server's CPU (from /proc) per task received, in ms; the
            // generator's beside it, to show how far it is from being the limit.
            row.put("server ms CPU / task", srvCpu / 1e6 / Math.max(1, received));
            row.put("generator ms CPU / task", genCpu / 1e6 / Math.max(1, received));
            row.put("429s", t.rateLimited.get());
            if (run.failures > 0) {
                row.put("failed submits", (long) run.failures);
                log.accept(t.name + " throughput: " + run.failures + " submits failed, first: " + run.firstError);
            }
            log.accept(t.name + " throughput " + row.get("tasks/s") + " tasks " + tasks + " cpu/task "
                    + row.get("server ms CPU / task") + " generator cpu/task " + row.get("generator ms CPU / task"));
            stream.close();
        }
    }
}
