package dev.lanechat.server.events;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.auth.CredentialHolder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Long-polls waiting for a user's next event without holding a thread: each waits on a future
 * that the next publish for its user (or its timeout) completes. {@link #catchUp} is the safety
 * net under cross-node notifications, as for sockets: a waiter whose cursor is behind the user's
 * newest id is woken even if the NOTIFY of that event never arrived. As a {@link CredentialHolder}
 * it ends the waits whose credential stopped working: their futures fail with an
 * {@code UNAUTHENTICATED} {@link Rejection}.
 */
public final class EventWaiters implements CredentialHolder {
    private final Map<String, Set<CompletableFuture<Void>>> byUser = new ConcurrentHashMap<>();
    private final Map<CompletableFuture<Void>, Long> cursors = new ConcurrentHashMap<>();
    private final Map<CompletableFuture<Void>, Credential> credentials = new ConcurrentHashMap<>();

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
        return next(userId, Long.MAX_VALUE, timeout);
    }

    /** {@link #next(String, Duration)} for a reader that has seen the events up to {@code after}. */
    public CompletableFuture<Void> next(String userId, long after, Duration timeout) {
        return next(userId, null, after, timeout);
    }

    /**
     * {@link #next(String, long, Duration)} for a reader authenticated with {@code credential}:
     * the future fails with an {@code UNAUTHENTICATED} {@link Rejection} when it stops working.
     */
    public CompletableFuture<Void> next(Credential credential, long after, Duration timeout) {
        return next(credential.userId(), credential, after, timeout);
    }

    // Each waiter is its own future: the maps and sets key on that identity, which is what
    // Future's equals (Object's) gives.
    @SuppressWarnings("CollectionUndefinedEquality")
    private CompletableFuture<Void> next(String userId, Credential credential, long after, Duration timeout) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        cursors.put(future, after);
        if (credential != null && credential.revocable()) {
            credentials.put(future, credential);
        }
        byUser.computeIfAbsent(userId, u -> ConcurrentHashMap.newKeySet()).add(future);
        // The future itself is returned (not a stage after it), so that a caller completing it
        // early (it found events at once) also unregisters it. The stage after it is not kept:
        // map removals are all it runs, nothing that can fail.
        var unused = future.completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((v, e) -> {
                    cursors.remove(future);
                    credentials.remove(future);
                    byUser.computeIfPresent(userId, (u, set) -> {
                        set.remove(future);
                        return set.isEmpty() ? null : set;
                    });
                });
        return future;
    }

    /**
     * Wakes the waiters whose cursor is behind their user's newest event id, as {@code newestIds}
     * reads it from the store (called periodically; events of other nodes whose notification was
     * lost then arrive about one period late instead of at the long-poll's timeout).
     */
    @SuppressWarnings("CollectionUndefinedEquality") // as in next(): a waiter is its future's identity
    public void catchUp(Function<java.util.Collection<String>, Map<String, Long>> newestIds) {
        if (byUser.isEmpty()) {
            return;
        }
        newestIds.apply(Set.copyOf(byUser.keySet())).forEach((userId, newest) -> {
            Set<CompletableFuture<Void>> waiting = byUser.get(userId);
            if (waiting != null) {
                waiting.stream()
                        .filter(f -> cursors.getOrDefault(f, Long.MAX_VALUE) < newest)
                        .toList()
                        .forEach(f -> f.complete(null));
            }
        });
    }

    @Override
    public Set<Credential> held() {
        return new HashSet<>(credentials.values());
    }

    @Override
    public Map<String, Integer> end(Set<Credential> ended) {
        Map<String, Integer> endedByUser = new HashMap<>();
        credentials.forEach((future, credential) -> {
            if (ended.contains(credential)
                    && future.completeExceptionally(new Rejection(
                            Rejection.Reason.UNAUTHENTICATED,
                            "Your token was revoked or your session ended; sign in again."))) {
                endedByUser.merge(credential.userId(), 1, Integer::sum);
            }
        });
        return endedByUser;
    }
}
