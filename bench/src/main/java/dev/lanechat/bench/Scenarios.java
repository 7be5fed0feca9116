package dev.lanechat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** The five scenarios of issue 8. Each takes a started {@link Target} and fills a {@link Table} row. */
final class Scenarios {
    private Scenarios() {}

    /** What the "limited by" column says of a row whose figures are the generator's limit. */
    static final String GENERATOR_LIMITED = "generator-limited";

    static double cores(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
    }

    /**
     * The CPU of a row's run, and what bounded it. With the machine's CPU full, the generator is the
     * limit when it used at least as much as the server and a quarter of the machine or more: a
     * cheaper generator would have left that CPU to the server (so the row's rate is a floor, and a
     * ratio against it is no figure). A generator of 0.07 cores beside a server of 0.02 on a machine
     * that others fill is no limit: then the other processes are. They are named when they took half
     * a core or more.
     */
    static void cpu(Map<String, Object> row, long genCpu, long serverCpu, long machineBusy, long wall) {
        double gen = cores(genCpu, wall);
        double srv = cores(serverCpu, wall);
        double other = Math.max(0, cores(machineBusy - genCpu - serverCpu, wall));
        row.put("server CPU (cores)", srv);
        row.put("generator CPU (cores)", gen);
        row.put("other processes' CPU (cores)", other);
        int n = Runtime.getRuntime().availableProcessors();
        String limit;
        if (gen + srv + other < 0.85 * n) {
            limit = "not CPU";
        } else if (gen >= srv && gen >= 0.25 * n) {
            limit = "CPU full: generator ≥ server (" + GENERATOR_LIMITED + ")"
                    + (other >= 0.5 ? ", shared with other processes" : "");
        } else if (other > srv && other > gen) {
            limit = "CPU full: other processes busiest";
        } else {
            limit = "CPU full: server busiest" + (other >= 0.5 ? ", shared with other processes" : "");
        }
        row.put("limited by", limit);
    }

    /** CPU time the whole machine spent busy (all processes), ns, from /proc/stat. */
    static long machineBusy() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                    .get(0)
                    .trim()
                    .split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L;
        } catch (Exception e) {
            return 0;
        }
    }

    static Gen.Stream oneStream(Gen gen, Target t, Gen.Recorder rec) throws Exception {
        List<Gen.Stream> s = gen.openMany(t.endpoint(), 1, rec, 1, Duration.ofSeconds(20), false);
        if (!s.get(0).live) {
            throw new IllegalStateException(t.name + ": the socket did not subscribe: " + s.get(0).lastError);
        }
        return s.get(0);
    }

    // ---- 1. push vs polling ---------------------------------------------------------------------

    static void pushVsPoll(Target t, int tasks, double perSecond, long pollMs, Table table, Consumer<String> log)
            throws Exception {
        try (Gen gen = new Gen(null)) {
            Gen.Recorder rec = new Gen.Recorder(tasks * 2 + 100);
            Gen.Stream stream = oneStream(gen, t, rec);
            t.prepare(tasks);
            Map<String, Long> polledAt = new ConcurrentHashMap<>();
            AtomicLong polls = new AtomicLong();
            AtomicInteger accepted = new AtomicInteger();
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            long cpu0 = Gen.cpuNanos(), scpu0 = t.cpuNanos(), busy0 = machineBusy(), w0 = System.nanoTime();
            long intervalNanos = (long) (1e9 / perSecond);
            for (int i = 0; i < tasks; i++) {
                long due = w0 + i * intervalNanos;
                long sleep = due - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
                var unused = t.submit(i).thenAccept(id -> {
                    accepted.incrementAndGet();
                    ids.add(id);
                    // the poller's phase is random against the completion, as a tab's interval would be
                    long first =
                            java.util.concurrent.ThreadLocalRandom.current().nextLong(pollMs);
                    schedulePoll(gen, t, id, first, pollMs, polls, polledAt);
                });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && (accepted.get() < tasks || polledAt.size() < tasks || rec.firstReceipt.size() < tasks)) {
                Thread.sleep(50);
            }
            long wall = System.nanoTime() - w0;
            long genCpu = Gen.cpuNanos() - cpu0, srvCpu = t.cpuNanos() - scpu0, busy = machineBusy() - busy0;
            Map<String, Long> done = t.completedAt(ids);
            long[] push = new long[ids.size()], poll = new long[ids.size()];
            int np = 0, nq = 0;
            for (String id : ids) {
                Long c = done.get(id);
                if (c == null) {
                    continue;
                }
                Long r = rec.firstReceipt.get(id);
                if (r != null) {
                    push[np++] = Math.max(0, r - c);
                }
                Long q = polledAt.get(id);
                if (q != null) {
                    poll[nq++] = Math.max(0, q - c);
                }
            }
            Stats ps = new Stats(push, np), qs = new Stats(poll, nq);
            for (boolean isPush : new boolean[] {true, false}) {
                Stats s = isPush ? ps : qs;
                Map<String, Object> row = table.row(t.name + (isPush ? " · push" : " · poll " + pollMs + " ms"));
                row.put("tasks", (long) tasks);
                row.put("delivered", (long) s.count());
                row.put("p50 ms", s.ms(0.50));
                row.put("p99 ms", s.ms(0.99));
                row.put("max ms", s.maxMs());
                row.put("HTTP requests / task (besides the submit)", isPush ? 0.0 : (double) polls.get() / tasks);
                cpu(row, genCpu, srvCpu, busy, wall);
            }
            stream.close();
            log.accept(t.name + " push p50 " + ps.ms(.5) + " poll p50 " + qs.ms(.5) + " polls " + polls.get());
        }
    }

    private static void schedulePoll(
            Gen gen, Target t, String id, long delayMs, long pollMs, AtomicLong polls, Map<String, Long> polledAt) {
        var unused = gen.timers.schedule(
                () -> {
                    polls.incrementAndGet();
                    var unusedPoll = t.task(id).whenComplete((state, e) -> {
                        if (state != null && state.done()) {
                            polledAt.put(id, Gen.nowMicros());
                        } else {
                            schedulePoll(gen, t, id, pollMs, pollMs, polls, polledAt);
                        }
                    });
                },
                delayMs,
                TimeUnit.MILLISECONDS);
    }

    // ---- 2. fan-out latency ---------------------------------------------------------------------

    /**
     * How long the sockets of a fan-out run may take to subscribe: 30 s plus 15 ms a socket, at most
     * 180 s (10,000 sockets at 256 handshakes in flight on a busy machine). A smoke run's 50 sockets
     * thus wait 30 s, not 180 s, for a socket that will never subscribe.
     */
    static Duration openTimeout(int sockets) {
        return Duration.ofMillis(Math.min(180_000, 30_000 + 15L * sockets));
    }

    /** Submits in flight at most during a fan-out step: beyond it the server is not keeping up. */
    private static final int FAN_OUT_IN_FLIGHT = 256;

    /**
     * A ladder of event rates over {@code sockets} sockets spread over the target's users (each
     * event goes to the sockets of one user). Returns, per deliveries/s step, p99 ms (for the chart).
     */
    static Map<Double, Double> fanOut(
            Target t, int sockets, double[] eventsPerSecond, int stepSeconds, Table table, Consumer<String> log)
            throws Exception {
        Map<Double, Double> p99s = new java.util.LinkedHashMap<>();
        try (Gen gen = new Gen(null)) {
            long c0 = System.nanoTime();
            List<Gen.Stream> streams = gen.openMany(t.endpoint(), sockets, null, 256, openTimeout(sockets), false);
            int[] liveOfUser = new int[t.users];
            streams.stream().filter(s -> s.live).forEach(s -> liveOfUser[s.user]++);
            long live = java.util.Arrays.stream(liveOfUser).sum();
            log.accept(t.name + ": " + live + " of " + sockets + " sockets of " + t.users + " users subscribed in "
                    + (System.nanoTime() - c0) / 1e9 + " s");
            String shape = String.format(java.util.Locale.ROOT, "%,d × %,d", t.users, sockets / t.users);
            int next = 0;
            // Step -1 warms the target up at the first rate, unrecorded: without it the first steps
            // of a fresh JVM measure its JIT compiler more than its push path.
            for (int step = -1; step < eventsPerSecond.length; step++) {
                boolean warmUp = step < 0;
                double rate = eventsPerSecond[Math.max(0, step)];
                int events = Math.max(3, (int) Math.round(rate * stepSeconds));
                t.prepare(events);
                long capacity = Math.min(8_000_000L, (long) events * sockets / t.users + 1000);
                Gen.Recorder rec = new Gen.Recorder((int) capacity);
                streams.forEach(s -> s.recorder = rec);
                AtomicLong expected = new AtomicLong();
                String before = t instanceof Target.Lanechat l ? l.metrics() : null;
                long cpu0 = Gen.cpuNanos(), scpu0 = t.cpuNanos(), busy0 = machineBusy(), w0 = System.nanoTime();
                // Paced by the clock, bounded in time: a server that cannot take the rate gets fewer
                // events in the step (reported as "events/s sent"), not a longer step. The submits
                // go out from this thread over keep-alive connections (Submitter's open loop).
                int first = next;
                Submitter run = new Submitter(
                        t, first, events, events, 0, i -> expected.addAndGet(liveOfUser[(first + i) % t.users]));
                run.runPaced(
                        rate,
                        FAN_OUT_IN_FLIGHT,
                        stepSeconds * 1_000_000_000L,
                        Duration.ofSeconds(stepSeconds + 30).toNanos());
                int sent = run.issued;
                next += sent;
                long sendWall = run.lastIssueNanos - w0;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (System.nanoTime() < deadline && rec.count.get() < expected.get()) {
                    Thread.sleep(20);
                }
                long wall = System.nanoTime() - w0;
                long genCpu = Gen.cpuNanos() - cpu0, srvCpu = t.cpuNanos() - scpu0, busy = machineBusy() - busy0;
                rec.recording = false;
                Map<String, Long> done = t.completedAt(new java.util.HashSet<>(rec.taskOfEvent.values()));
                int n = rec.size();
                long[] lat = new long[n];
                int k = 0;
                for (int i = 0; i < n; i++) {
                    String task = rec.taskOfEvent.get(rec.eventIds[i]);
                    Long c = task == null ? null : done.get(task);
                    if (c != null) {
                        lat[k++] = Math.max(0, rec.receivedMicros[i] - c);
                    }
                }
                Stats s = new Stats(lat, k);
                if (warmUp) {
                    log.accept(t.name + " fan-out " + shape + " warm-up at " + rate + "/s: p99 " + s.ms(0.99) + " ms");
                    Thread.sleep(1000);
                    continue;
                }
                // Over the step's length: all sent in time is the rate asked for; cut short by the
                // in-flight bound, what the server took.
                double sentRate = sent / Math.max(stepSeconds, sendWall / 1e9);
                long missing = Math.max(0, expected.get() - rec.count.get());
                Map<String, Object> row = table.row(t.name);
                row.put("users × sockets each", shape);
                row.put("subscribed", live);
                row.put("events/s", rate);
                row.put("events/s sent", sentRate);
                row.put("deliveries/s (sent × sockets each)", sentRate * sockets / t.users);
                row.put("delivered", (long) rec.count.get());
                row.put("missing", missing);
                // submits not accepted within the step + 30 s (a saturated server): their events
                // are not in "missing", which counts only accepted ones
                row.put("submits unanswered or failed", (long) run.failures);
                row.put("p50 ms", s.ms(0.50));
                row.put("p99 ms", s.ms(0.99));
                row.put("p99.9 ms", s.ms(0.999));
                row.put("max ms", s.maxMs());
                if (before != null) {
                    row.put(
                            "server push lag p99 ms (/metrics)",
                            histogramQuantile(
                                            before, ((Target.Lanechat) t).metrics(), "lanechat_push_lag_seconds", 0.99)
                                    * 1000);
                }
                cpu(row, genCpu, srvCpu, busy, wall);
                p99s.put(sentRate * sockets / t.users, s.ms(0.99));
                log.accept(t.name + " fan-out " + shape + " at " + rate + "/s (sent " + Math.round(sentRate)
                        + "/s): p99 " + s.ms(0.99) + " ms, missing " + missing);
                Thread.sleep(1000);
                if (s.ms(0.99) > 2000 || missing > expected.get() / 100 || sentRate < 0.9 * rate) {
                    break; // saturated: higher rates only queue up
                }
            }
            streams.forEach(Gen.Stream::close);
        }
        return p99s;
    }

    // ---- 3. idle capacity -----------------------------------------------------------------------

    static void capacity(
            Target t,
            int perProcess,
            int processes,
            int seconds,
            long settleMs,
            Table table,
            Path work,
            Consumer<String> log)
            throws Exception {
        long heap0 = t.heapAfterGc(), rss0 = t.rss();
        List<Proc> gens = new ArrayList<>();
        Map<Integer, String> status = new ConcurrentHashMap<>();
        String cp = System.getProperty("java.class.path");
        long w0 = System.nanoTime();
        try {
            for (int i = 0; i < processes; i++) {
                int index = i;
                String bind = "127.0.0." + (10 + i);
                Proc p = Proc.start(
                        List.of(
                                "java",
                                "-Xss256k",
                                "-Xmx1g",
                                "-XX:+UseSerialGC",
                                "-cp",
                                cp,
                                Hold.class.getName(),
                                t.wsUri().toString(),
                                t.proto().name(),
                                Integer.toString(perProcess),
                                bind,
                                Integer.toString(seconds)),
                        null,
                        work.resolve(t.name + "-hold-" + i + ".log"),
                        Pattern.compile("^(RAMPED.*)"));
                p.onLine(line -> status.put(index, line));
                gens.add(p);
            }
            long sum = 0, failed = 0, rampMs = 0;
            List<String> errors = new ArrayList<>();
            for (Proc p : gens) {
                String line = p.awaitReady(Duration.ofSeconds(seconds + 60));
                Map<String, String> f = fields(line);
                sum += Long.parseLong(f.get("live"));
                failed += Long.parseLong(f.get("failed"));
                rampMs = Math.max(rampMs, Long.parseLong(f.get("ms")));
                if (f.containsKey("err")) {
                    errors.add(f.get("err"));
                }
            }
            long rssPeak = t.rss();
            for (Proc p : gens) { // free a few descriptors, so that the server can answer the memory read
                p.process.getOutputStream().write("shed 50\n".getBytes());
                p.process.getOutputStream().flush();
            }
            Thread.sleep(Math.max(1500, settleMs));
            long still = 0;
            for (int i = 0; i < gens.size(); i++) {
                Map<String, String> f = fields(status.getOrDefault(i, "live=0"));
                still += Long.parseLong(f.getOrDefault("live", "0"));
            }
            long heap = t.heapAfterGc(), rss = t.rss();
            Map<String, Object> row = table.row(t.name);
            row.put("attempted", (long) perProcess * processes);
            row.put("subscribed at once", sum);
            row.put("held while measuring (50 per generator closed first)", still);
            row.put("failed", failed);
            row.put("connect rate (sockets/s)", sum / Math.max(0.001, rampMs / 1000.0));
            row.put("heap after GC (MB)", heap / 1e6);
            row.put("RSS at the peak (MB)", rssPeak / 1e6);
            row.put("heap / socket (KB)", still == 0 ? Double.NaN : (heap - heap0) / 1e3 / still);
            row.put("RSS / socket (KB)", still == 0 ? Double.NaN : (rss - rss0) / 1e3 / still);
            String first = errors.isEmpty() ? "none" : errors.get(0);
            row.put("first error", first.length() > 80 ? first.substring(0, 80) + "…" : first);
            log.accept(t.name + " capacity " + sum + " failed " + failed + " " + errors);
        } finally {
            gens.forEach(p -> p.stop(Duration.ofSeconds(5)));
        }
    }

    static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                f.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        if (line.contains(" err=")) {
            f.put("err", line.substring(line.indexOf(" err=") + 5));
        }
        return f;
    }

    // ---- 4. end-to-end tasks/s ------------------------------------------------------------------

    /**
     * Scenario 4: at least {@code minTasks} submits, {@code concurrency} at a time, going on until
     * {@code minSeconds} have passed but never past {@code maxTasks}; the one socket's receipts give
     * the end of each task. The submits come from {@link Submitter} (one thread, one selector).
     * Lanechat prepares conversations for {@code prepareTasks} first (past them, submits go on
     * round the same conversations).
     */
    static void throughput(
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
            Gen.Recorder rec = new Gen.Recorder(maxTasks * 2 + 100);
            Gen.Stream stream = oneStream(gen, t, rec);
            t.prepare(prepareTasks);
            String before = t instanceof Target.Lanechat l ? l.metrics() : null;
            Submitter run = new Submitter(
                    t, minTasks, maxTasks, Duration.ofSeconds(minSeconds).toNanos());
            long cpu0 = Gen.cpuNanos(), scpu0 = t.cpuNanos(), busy0 = machineBusy(), w0 = System.nanoTime();
            long start = Gen.nowMicros();
            run.run(concurrency, Duration.ofSeconds(120).toNanos());
            int tasks = run.issued;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && rec.firstReceipt.size() + run.failures < tasks) {
                Thread.sleep(10);
            }
            long wall = System.nanoTime() - w0;
            long genCpu = Gen.cpuNanos() - cpu0, srvCpu = t.cpuNanos() - scpu0, busy = machineBusy() - busy0;
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
                        histogramQuantile(before, after, "lanechat_push_lag_seconds", 0.99) * 1000);
                row.put(
                        "stamp→commit p99 ms (/metrics)",
                        histogramQuantile(before, after, "lanechat_store_stamp_to_commit_seconds", 0.99) * 1000);
            }
            cpu(row, genCpu, srvCpu, busy, wall);
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

    /** A quantile of a Prometheus histogram over the samples added between two scrapes. */
    static double histogramQuantile(String before, String after, String metric, double q) {
        Map<Double, Double> b = buckets(before, metric), a = buckets(after, metric);
        List<Double> les = new ArrayList<>(a.keySet());
        java.util.Collections.sort(les);
        double total = a.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - b.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (double le : les) {
            double c = a.get(le) - b.getOrDefault(le, 0.0);
            if (c >= q * total) {
                return le;
            }
        }
        return Double.NaN;
    }

    private static Map<Double, Double> buckets(String text, String metric) {
        Map<Double, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "_bucket{")) {
                int at = line.indexOf("le=\"") + 4;
                String le = line.substring(at, line.indexOf('"', at));
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                out.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), v, Double::sum);
            }
        }
        return out;
    }

    // ---- 5. reconnect storm ---------------------------------------------------------------------

    /**
     * @param serverSide true: the server drops the sockets (Lanechat restarts, a peer closes them all);
     *     false: the generator cuts every connection at once (no close handshake), the same for every target
     * @param settleMs pauses before the drop and after the resumption (shorter in the smoke run)
     */
    static final Duration STORM_WINDOW = Duration.ofSeconds(240);

    private static boolean resumed(Gen.Stream s) {
        return s.readies.get() >= 2 && s.live;
    }

    static void storm(
            Target t,
            int sockets,
            double eventsPerSecond,
            boolean serverSide,
            long settleMs,
            Table table,
            Consumer<String> log)
            throws Exception {
        try (Gen gen = new Gen(null)) {
            List<Gen.Stream> streams = gen.openMany(t.endpoint(), sockets, null, 256, openTimeout(sockets), true);
            long live = streams.stream().filter(s -> s.live).count();
            log.accept(t.name + " storm: " + live + " subscribed, " + t.users + " users");
            t.prepare(1000);
            // Each accepted task is one event in its user's log: a user's log must end at its newest
            // id before the run plus the tasks accepted for it.
            long[] newestBefore = new long[t.users];
            streams.forEach(s -> newestBefore[s.user] = Math.max(newestBefore[s.user], s.lastId));
            java.util.concurrent.atomic.AtomicLongArray acceptedOf =
                    new java.util.concurrent.atomic.AtomicLongArray(t.users);
            AtomicInteger accepted = new AtomicInteger(), refused = new AtomicInteger(), pending = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            long period = (long) (1e6 / eventsPerSecond);
            var producer = gen.timers.scheduleAtFixedRate(
                    () -> {
                        int i = next.getAndIncrement();
                        pending.incrementAndGet();
                        var unused = t.submit(i).whenComplete((id, e) -> {
                            if (id != null) {
                                acceptedOf.incrementAndGet(i % t.users);
                                accepted.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                            pending.decrementAndGet();
                        });
                    },
                    0,
                    period,
                    TimeUnit.MICROSECONDS);
            Thread.sleep(settleMs);
            long cpu0 = Gen.cpuNanos(), w0 = System.nanoTime();
            String how;
            if (serverSide) {
                how = t.storm();
            } else {
                streams.forEach(Gen.Stream::cut);
                how = "every connection cut by the generator at once (no close handshake)";
            }
            long restartedAt = System.nanoTime();
            // Long enough for a client that keeps failing to try again at the 30 s backoff cap several times.
            long deadline = System.nanoTime() + STORM_WINDOW.toNanos();
            long nextReport = System.nanoTime();
            while (System.nanoTime() < deadline && streams.stream().anyMatch(s -> !resumed(s))) {
                Thread.sleep(50);
                if (System.nanoTime() >= nextReport) {
                    nextReport += 10_000_000_000L;
                    log.accept(t.name + " storm: "
                            + streams.stream().filter(Scenarios::resumed).count() + " of " + live + " resumed after "
                            + (System.nanoTime() - w0) / 1_000_000_000L + " s");
                }
            }
            long resumedAll =
                    streams.stream().mapToLong(s -> s.readyAtNanos).max().orElse(w0);
            List<Gen.Stream> back = streams.stream().filter(Scenarios::resumed).toList();
            long resumed = back.size();
            Thread.sleep(settleMs);
            producer.cancel(false);
            long wait = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < wait && pending.get() > 0) { // the last submits' answers
                Thread.sleep(50);
            }
            long[] newest = new long[t.users];
            for (int u = 0; u < t.users; u++) {
                newest[u] = newestBefore[u] + acceptedOf.get(u);
            }
            while (System.nanoTime() < wait && back.stream().anyMatch(s -> s.lastId < newest[s.user])) {
                Thread.sleep(50);
            }
            // Lost: among the sockets that resumed, ids skipped or never received. A socket that had
            // not resumed by the window's end is counted as not resumed, not as losing events.
            long gaps = back.stream().mapToLong(s -> s.gaps.get()).sum();
            long behind = back.stream()
                    .mapToLong(s -> Math.max(0, newest[s.user] - s.lastId))
                    .sum();
            long dups = streams.stream().mapToLong(s -> s.duplicates.get()).sum();
            long resets = streams.stream().mapToLong(s -> s.resets.get()).sum();
            long timeouts =
                    streams.stream().mapToLong(s -> s.handshakeTimeouts.get()).sum();
            Map<String, Object> row = table.row(t.name + (serverSide ? " · server-side drop" : " · cut by clients"));
            row.put("sockets", live);
            row.put("users", (long) t.users);
            row.put("drop", how);
            row.put("resumed", resumed);
            row.put("not resumed within " + STORM_WINDOW.toSeconds() + " s", live - resumed);
            row.put("all resumed after (s)", (resumedAll - w0) / 1e9);
            row.put("of which the drop itself (s)", (restartedAt - w0) / 1e9);
            row.put("events during run", (long) accepted.get());
            row.put("events lost", gaps + behind);
            row.put("duplicates", dups);
            row.put("resets", resets);
            row.put("handshakes abandoned (no ready in 30 s)", timeouts);
            row.put("submits refused while down", (long) refused.get());
            row.put("generator CPU (cores)", cores(Gen.cpuNanos() - cpu0, System.nanoTime() - w0));
            log.accept(t.name + " storm: resumed " + resumed + " in " + row.get("all resumed after (s)") + " lost "
                    + (gaps + behind));
            streams.forEach(Gen.Stream::close);
        }
    }
}
