package dev.lanechat.server.tasks;

import dev.lanechat.server.lanes.Lane;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Long-poll claims of the worker API without a thread per waiting worker: a waiting claim is a
 * future that a submit on its lane (or, at the latest, a one-second recheck for work queued by
 * another node or a task that ended under the lane's concurrency cap) wakes to try again, until it
 * gets a task or its wait is over.
 */
public final class WorkerQueue implements AutoCloseable {
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final Claims taskClaims;
    private final TaskQueries queries;
    private final ScheduledExecutorService timers;
    private final ExecutorService claims;
    private final Map<String, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    public WorkerQueue(Tasks tasks, ScheduledExecutorService timers) {
        this.taskClaims = tasks.claims();
        this.queries = tasks.queries();
        this.timers = timers;
        this.claims = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "worker-claim");
            thread.setDaemon(true);
            return thread;
        });
        tasks.signals().onQueued(this::wake);
    }

    /** A task of {@code lane} under a new lease, waiting up to {@code wait} for one; empty when none came. */
    public CompletableFuture<Optional<Claims.Leased>> claim(Lane lane, Duration wait) {
        return attempt(lane, System.nanoTime() + wait.toNanos());
    }

    @SuppressWarnings("CollectionUndefinedEquality") // each waiter is its own future: identity is the point
    private CompletableFuture<Optional<Claims.Leased>> attempt(Lane lane, long deadline) {
        // Register first, claim second: a submit between the two still wakes this claim.
        CompletableFuture<Void> wakeUp = new CompletableFuture<>();
        Set<CompletableFuture<Void>> lanesWaiters =
                waiting.computeIfAbsent(lane.name(), k -> ConcurrentHashMap.newKeySet());
        lanesWaiters.add(wakeUp);
        Optional<Claims.Leased> claimed;
        try {
            claimed = tryClaim(lane);
        } catch (RuntimeException e) {
            lanesWaiters.remove(wakeUp);
            return CompletableFuture.failedFuture(e);
        }
        long left = deadline - System.nanoTime();
        if (claimed.isPresent() || left <= 0) {
            lanesWaiters.remove(wakeUp);
            return CompletableFuture.completedFuture(claimed);
        }
        ScheduledFuture<?> timer =
                timers.schedule(() -> wakeUp.complete(null), Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
        return wakeUp.thenComposeAsync(
                woken -> {
                    timer.cancel(false);
                    lanesWaiters.remove(wakeUp);
                    return attempt(lane, deadline);
                },
                claims);
    }

    private Optional<Claims.Leased> tryClaim(Lane lane) {
        if (lane.concurrency() < Integer.MAX_VALUE && queries.runningCount(lane.name()) >= lane.concurrency()) {
            return Optional.empty();
        }
        return taskClaims.claimLeased(lane.name());
    }

    private void wake(String lane) {
        Set<CompletableFuture<Void>> lanesWaiters = waiting.get(lane);
        if (lanesWaiters != null) {
            lanesWaiters.forEach(f -> f.complete(null));
        }
    }

    @Override
    public void close() {
        claims.shutdownNow();
    }
}
