package dev.lanechat.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Scenario 2: a ladder of event rates over many subscribed sockets, spread over the target's users. */
final class FanOut {
    private FanOut() {}

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
    static Map<Double, Double> run(
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
                Recorder rec = new Recorder((int) capacity);
                streams.forEach(s -> s.recorder = rec);
                AtomicLong expected = new AtomicLong();
                String before = t instanceof Target.Lanechat l ? l.metrics() : null;
                long cpu0 = CpuUse.ownNanos(),
                        scpu0 = t.cpuNanos(),
                        busy0 = CpuUse.machineBusy(),
                        w0 = System.nanoTime();
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
                long genCpu = CpuUse.ownNanos() - cpu0,
                        srvCpu = t.cpuNanos() - scpu0,
                        busy = CpuUse.machineBusy() - busy0;
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
                            MetricsHistogram.quantile(
                                            before, ((Target.Lanechat) t).metrics(), "lanechat_push_lag_seconds", 0.99)
                                    * 1000);
                }
                CpuUse.cpu(row, genCpu, srvCpu, busy, wall);
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
}
