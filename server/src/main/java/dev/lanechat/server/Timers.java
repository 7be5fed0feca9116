package dev.lanechat.server;

import dev.lanechat.server.store.StoreErrors;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's two timer threads, which the features also schedule their one-off timers on, and
 * the periodic jobs of the wiring. A periodic job that threw would never run again, and its
 * exception would be kept in a future no one reads: each one here logs its failure in one line
 * (a store away is expected: no stack trace) and runs again at its next period.
 */
final class Timers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(2, daemon("timer"));
    /** The periodic jobs' futures: kept, not dropped, and cancelled on close. */
    private final List<ScheduledFuture<?>> jobs = new CopyOnWriteArrayList<>();

    /** The executor itself, for the features' own timers. */
    ScheduledExecutorService executor() {
        return executor;
    }

    /** Runs {@code job} {@code first} from now, then {@code period} after each run ends. */
    void every(Duration first, Duration period, String what, Runnable job) {
        jobs.add(executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        job.run();
                    } catch (RuntimeException e) {
                        log.warn("{} failed: {}", what, StoreErrors.describe(e));
                    }
                },
                first.toMillis(),
                period.toMillis(),
                TimeUnit.MILLISECONDS));
    }

    /** Threads named {@code name} that do not keep the JVM alive. */
    static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        jobs.forEach(job -> job.cancel(false));
        executor.shutdownNow();
    }
}
