package dev.lanechat.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Scenario 5: every socket dropped at once; the time until all resumed, and the events lost. */
final class Storm {
    private Storm() {}

    static final Duration STORM_WINDOW = Duration.ofSeconds(240);

    private static boolean resumed(Gen.Stream s) {
        return s.readies.get() >= 2 && s.live;
    }

    /**
     * @param serverSide true: the server drops the sockets (Lanechat restarts, a peer closes them all);
     *     false: the generator cuts every connection at once (no close handshake), the same for every target
     * @param settleMs pauses before the drop and after the resumption (shorter in the smoke run)
     */
    static void run(
            Target t,
            int sockets,
            double eventsPerSecond,
            boolean serverSide,
            long settleMs,
            Table table,
            Consumer<String> log)
            throws Exception {
        try (Gen gen = new Gen(null)) {
            List<Gen.Stream> streams =
                    gen.openMany(t.endpoint(), sockets, null, 256, FanOut.openTimeout(sockets), true);
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
            long cpu0 = CpuUse.ownNanos(), w0 = System.nanoTime();
            long turnedAwayBefore =
                    streams.stream().mapToLong(s -> s.overCapacity.get()).sum();
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
                            + streams.stream().filter(Storm::resumed).count() + " of " + live + " resumed after "
                            + (System.nanoTime() - w0) / 1_000_000_000L + " s");
                }
            }
            long resumedAll =
                    streams.stream().mapToLong(s -> s.readyAtNanos).max().orElse(w0);
            List<Gen.Stream> back = streams.stream().filter(Storm::resumed).toList();
            long[] readyAt =
                    back.stream().mapToLong(s -> s.readyAtNanos - w0).sorted().toArray();
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
            row.put("half resumed after (s)", readyAt.length == 0 ? Double.NaN : readyAt[readyAt.length / 2] / 1e9);
            row.put("all resumed after (s)", (resumedAll - w0) / 1e9);
            row.put("of which the drop itself (s)", (restartedAt - w0) / 1e9);
            row.put("events during run", (long) accepted.get());
            row.put("events lost", gaps + behind);
            row.put("duplicates", dups);
            row.put("resets", resets);
            row.put("handshakes abandoned (no ready in 30 s)", timeouts);
            row.put(
                    "turned away (over_capacity)",
                    streams.stream().mapToLong(s -> s.overCapacity.get()).sum() - turnedAwayBefore);
            row.put("submits refused while down", (long) refused.get());
            row.put("generator CPU (cores)", CpuUse.cores(CpuUse.ownNanos() - cpu0, System.nanoTime() - w0));
            log.accept(t.name + " storm: resumed " + resumed + " in " + row.get("all resumed after (s)") + " lost "
                    + (gaps + behind) + "; resumed after (s) at each tenth: " + tenths(readyAt));
            streams.forEach(Gen.Stream::close);
        }
    }

    /** The 10th, 20th … 100th percentile of sorted nanosecond times, in seconds (where the storm's time went). */
    private static String tenths(long[] sortedNanos) {
        StringBuilder out = new StringBuilder();
        for (int k = 1; k <= 10 && sortedNanos.length > 0; k++) {
            int i = Math.min(sortedNanos.length - 1, sortedNanos.length * k / 10);
            out.append(k == 1 ? "" : " ").append(String.format(java.util.Locale.ROOT, "%.2f", sortedNanos[i] / 1e9));
        }
        return out.toString();
    }
}
