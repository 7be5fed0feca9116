// Test scheduler: a fake clock that only moves when the test says, running tasks on one real
// thread (so HTTP callbacks from other threads are still serialised like in production).
package dev.lanechat.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

final class ManualScheduler implements Scheduler {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "manual-scheduler");
        t.setDaemon(true);
        return t;
    });
    private final List<Timer> timers = new ArrayList<>();
    private volatile long now;
    private long seq;

    private final class Timer implements Cancellable {
        final long due;
        final long order;
        final Runnable task;
        boolean cancelled;

        Timer(long due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                timers.remove(this);
            }
        }
    }

    @Override
    public long nowMillis() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        thread.execute(task);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, Duration delay) {
        Timer t = new Timer(now + delay.toMillis(), seq++, task);
        timers.add(t);
        return t;
    }

    /** Moves the clock forward, running every timer that falls due, in order, at its due time. */
    void advance(Duration by) {
        long target = now + by.toMillis();
        while (true) {
            drain();
            Timer next;
            synchronized (this) {
                next = timers.stream()
                        .filter(t -> t.due <= target)
                        .min(Comparator.<Timer>comparingLong(t -> t.due).thenComparingLong(t -> t.order))
                        .orElse(null);
                if (next == null) {
                    break;
                }
                timers.remove(next);
                now = Math.max(now, next.due);
            }
            Timer run = next;
            thread.execute(() -> {
                if (!run.cancelled) {
                    run.task.run();
                }
            });
        }
        now = target;
        drain();
    }

    /** Waits until the tasks queued so far (and those they queue at once) have run. */
    void drain() {
        for (int i = 0; i < 3; i++) {
            try {
                thread.submit(() -> {}).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("scheduler thread stuck", e);
            }
        }
    }

    synchronized List<Long> pendingDueTimes() {
        return timers.stream().map(t -> t.due).sorted().toList();
    }

    @Override
    public void shutdown() {
        thread.shutdownNow();
    }
}
