package dev.lanechat.server.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Long-polls waiting for a user's next event without holding a thread: each waits on a future
 * that the next publish for its user (or its timeout) completes.
 */
public final class EventWaiters {
    private final Map<String, Set<CompletableFuture<Void>>> byUser = new ConcurrentHashMap<>();

    /** Called after events were committed. */
    public void published(List<Event> events) {
        events.stream().map(Event::userId).distinct().forEach(user -> {
            Set<CompletableFuture<Void>> waiting = byUser.remove(user);
            if (waiting != null) {
                waiting.forEach(f -> f.complete(null));
            }
        });
    }

    /** Events of {@code userId} may have been committed by another node. */
    public void hinted(String userId) {
        Set<CompletableFuture<Void>> waiting = byUser.remove(userId);
        if (waiting != null) {
            waiting.forEach(f -> f.complete(null));
        }
    }

    /**
     * A future that completes at the user's next publish or after {@code timeout}, whichever comes
     * first. Register before the last read of the log, so a publish in between is not missed.
     */
    public CompletableFuture<Void> next(String userId, Duration timeout) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        byUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(future);
        return future.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> byUser.computeIfPresent(userId, (u, set) -> {
                    set.remove(future);
                    return set.isEmpty() ? null : set;
                }));
    }
}
