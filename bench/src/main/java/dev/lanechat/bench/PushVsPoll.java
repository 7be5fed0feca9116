package dev.lanechat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** Scenario 1: the same tasks received by one subscribed socket and by the polling fallback. */
final class PushVsPoll {
    private PushVsPoll() {}

    static void run(Target t, int tasks, double perSecond, long pollMs, Table table, Consumer<String> log)
            throws Exception {
        try (Gen gen = new Gen(null)) {
            Recorder rec = new Recorder(tasks * 2 + 100);
            Gen.Stream stream = gen.subscribeOne(t.endpoint(), rec, t.name);
            t.prepare(tasks);
            Map<String, Long> polledAt = new ConcurrentHashMap<>();
            AtomicLong polls = new AtomicLong();
            AtomicInteger accepted = new AtomicInteger();
            List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
            long cpu0 = CpuUse.ownNanos(), scpu0 = t.cpuNanos(), busy0 = CpuUse.machineBusy(), w0 = System.nanoTime();
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
            long genCpu = CpuUse.ownNanos() - cpu0, srvCpu = t.cpuNanos() - scpu0, busy = CpuUse.machineBusy() - busy0;
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
                CpuUse.cpu(row, genCpu, srvCpu, busy, wall);
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
}
