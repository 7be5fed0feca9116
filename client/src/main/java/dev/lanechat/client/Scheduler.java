// The stream's clock and timers, as one injectable interface so tests can drive time by hand.
package dev.lanechat.client;

import java.time.Duration;

/**
 * Runs the stream's work on one thread at a time and tells the time. The stream never reads the
 * system clock or sleeps itself; a test supplies a scheduler whose time it advances.
 */
public interface Scheduler {
    /** @return the current time in milliseconds, on this scheduler's clock */
    long nowMillis();

    /**
     * Runs a task soon. Tasks given to {@link #execute} and {@link #schedule} must never run
     * concurrently with each other: the stream keeps its state without locks.
     *
     * @param task the task
     */
    void execute(Runnable task);

    /**
     * Runs a task after a delay on this scheduler's clock.
     *
     * @param task the task
     * @param delay the delay
     * @return a handle that cancels it
     */
    Cancellable schedule(Runnable task, Duration delay);

    /** Stops running tasks; called by the stream's {@code close()} when it owns the scheduler. */
    void shutdown();

    /** A scheduled task that can still be called off. */
    interface Cancellable {
        /** Calls the task off; no effect once it has run. */
        void cancel();
    }
}
