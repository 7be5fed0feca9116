// Whether the HTTP API is up, for the stream's FULL/PARTIAL/DISCONNECTED status: GET /api/health
// every interval, plus what every other call's answer (or lack of one) proves in between.
package dev.lanechat.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Runs on the stream's scheduler thread; {@code onChange} hears every new verdict. */
final class HealthMonitor {
    private final Scheduler scheduler;
    private final Supplier<CompletableFuture<Health>> check;
    private final Duration interval;
    private final Runnable onChange;
    private boolean apiUp;
    private boolean stopped;
    private Scheduler.Cancellable timer;

    /**
     * @param check one health call (production: {@link LanechatClient#healthAsync()})
     * @param onChange called after each verdict, on the scheduler's thread
     */
    HealthMonitor(
            Scheduler scheduler, Supplier<CompletableFuture<Health>> check, Duration interval, Runnable onChange) {
        this.scheduler = scheduler;
        this.check = check;
        this.interval = interval;
        this.onChange = onChange;
    }

    /** @return whether the last answer said the API is up (false before the first) */
    boolean apiUp() {
        return apiUp;
    }

    /** Checks now and then every interval; a call restarts the interval. */
    void checkNow() {
        if (stopped) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timer = scheduler.schedule(this::checkNow, interval);
        // The stage after the check hops to the loop, which runs nothing once stopped: no failure to keep.
        var unused = check.get()
                .whenComplete((h, err) -> scheduler.execute(() -> {
                    if (!stopped) {
                        apiUp = err == null && h != null && h.ok();
                        onChange.run();
                    }
                }));
    }

    /**
     * Any HTTP answer proves the API is reachable; a connection failure proves it is not.
     *
     * @param failure how another call failed, or null when it was answered with a 2xx
     */
    void note(Throwable failure) {
        if (failure instanceof LanechatConnectionException) {
            apiUp = false;
        } else if (failure == null || failure instanceof LanechatApiException) {
            apiUp = true;
        }
        onChange.run();
    }

    /** No more checks; answers still in flight are ignored. */
    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
    }
}
