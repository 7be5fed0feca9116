// The HTTP fallback of protocol.md's client section: while the socket is not subscribed, every
// pending task is asked for with GET /api/tasks/{id} each interval; a sweep asks once for all.
package dev.lanechat.client;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/** Runs on the stream's scheduler thread. At most one request per task is in flight. */
final class TaskPoller {
    /** What the poller found out, told on the scheduler's thread. */
    interface Sink {
        /** The task has ended. */
        void finished(Task task);

        /** The task is gone (404: its conversation was deleted). */
        void gone(String taskId, LanechatApiException notFound);

        /** @param failure how the request failed, or null when it was answered */
        void answered(Throwable failure);
    }

    private final Scheduler scheduler;
    private final Function<String, CompletableFuture<Task>> fetch;
    private final Duration interval;
    private final Supplier<List<String>> pendingIds;
    private final BooleanSupplier needed;
    private final Sink sink;
    private final Set<String> inFlight = new HashSet<>();
    private Scheduler.Cancellable timer;
    private boolean closed;

    /**
     * @param fetch one task request (production: {@link LanechatClient#taskAsync(String)})
     * @param pendingIds the tasks someone waits for
     * @param needed whether polling is called for now (the socket is down and the stream runs)
     */
    TaskPoller(
            Scheduler scheduler,
            Function<String, CompletableFuture<Task>> fetch,
            Duration interval,
            Supplier<List<String>> pendingIds,
            BooleanSupplier needed,
            Sink sink) {
        this.scheduler = scheduler;
        this.fetch = fetch;
        this.interval = interval;
        this.pendingIds = pendingIds;
        this.needed = needed;
        this.sink = sink;
    }

    /** Starts the interval if it is needed, there is something to poll, and it is not running. */
    void ensure() {
        if (closed
                || timer != null
                || !needed.getAsBoolean()
                || pendingIds.get().isEmpty()) {
            return;
        }
        timer = scheduler.schedule(this::tick, interval);
    }

    /** Stops the interval (the socket covers the tasks again); requests in flight still report. */
    void pause() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Stops everything; answers still in flight are ignored. */
    void close() {
        closed = true;
        pause();
    }

    /** Asks once for every pending task (nothing covered the gap since they were last seen). */
    void sweep() {
        pendingIds.get().forEach(this::poll);
    }

    private void tick() {
        timer = null;
        if (closed || !needed.getAsBoolean() || pendingIds.get().isEmpty()) {
            return;
        }
        sweep();
        timer = scheduler.schedule(this::tick, interval);
    }

    /** Asks for one task, unless a request for it is already in flight. */
    void poll(String taskId) {
        if (closed || !inFlight.add(taskId)) {
            return;
        }
        // The outcome is handled on the loop; the stage after it carries nothing.
        var unused = fetch.apply(taskId)
                .whenComplete((task, err) -> scheduler.execute(() -> {
                    inFlight.remove(taskId);
                    if (closed) {
                        return;
                    }
                    Throwable cause = err == null ? null : Failures.unwrap(err);
                    sink.answered(cause);
                    if (cause instanceof LanechatApiException api && api.status() == 404) {
                        sink.gone(taskId, api);
                    } else if (task != null && task.finished()) {
                        sink.finished(task);
                    }
                }));
    }
}
