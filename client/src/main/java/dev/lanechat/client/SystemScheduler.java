// The production Scheduler: one daemon thread and a java.time.Clock.
package dev.lanechat.client;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on a single daemon thread, telling time by a {@link Clock}. */
public final class SystemScheduler implements Scheduler {
    private final ScheduledExecutorService executor;
    private final Clock clock;

    /**
     * A scheduler on the monotonic {@link System#nanoTime()} clock, so that a change of the
     * wall-clock time cannot fire or starve the watchdog.
     *
     * @param threadName the name of the thread (shows in thread dumps)
     */
    public SystemScheduler(String threadName) {
        this(threadName, null);
    }

    /**
     * @param threadName the name of the thread (shows in thread dumps)
     * @param clock the clock to read, or null for the monotonic clock
     */
    public SystemScheduler(String threadName, Clock clock) {
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            // Daemon: a forgotten stream must not keep a CLI's JVM alive.
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public long nowMillis() {
        return clock == null ? System.nanoTime() / 1_000_000 : clock.millis();
    }

    @Override
    public void execute(Runnable task) {
        if (!executor.isShutdown()) {
            executor.execute(task);
        }
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        if (executor.isShutdown()) {
            return () -> {};
        }
        ScheduledFuture<?> f = executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public void shutdown() {
        executor.shutdownNow();
    }
}
