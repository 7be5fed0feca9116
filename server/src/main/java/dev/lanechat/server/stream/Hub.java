package dev.lanechat.server.stream;

import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's sockets, by user. Told of every committed event (by the Notifier), it keeps the
 * user's recent events and wakes each of the user's subscriptions, which read from their cursor.
 */
public final class Hub {
    private final EventLog eventLog;
    private final Map<String, Set<Subscription>> byUser = new ConcurrentHashMap<>();
    private final Map<String, RecentEvents> recent = new ConcurrentHashMap<>();
    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();

    public Hub(EventLog eventLog) {
        this.eventLog = eventLog;
    }

    /** Called after events were committed (by any thread, in any order). */
    public void published(List<Event> events) {
        for (Event event : events) {
            RecentEvents cache = recent.get(event.userId());
            if (cache != null) { // the user has a socket here; nothing is kept for the others
                lastHeard.merge(event.userId(), event.id(), Math::max);
                cache.add(SharedFrame.of(event)); // encoded once for all of the user's sockets here
            }
        }
        events.stream().map(Event::userId).distinct().forEach(userId -> {
            Set<Subscription> subs = byUser.get(userId);
            if (subs != null) {
                subs.forEach(Subscription::wake);
            }
        });
    }

    /** Sends a {@code progress} frame to every live socket of the user on this node. */
    public void progress(String userId, String frame) {
        Set<Subscription> subs = byUser.get(userId);
        if (subs != null) {
            SharedFrame shared = SharedFrame.of(frame);
            subs.forEach(sub -> sub.sendProgress(shared));
        }
    }

    /** Event {@code eventId} of this user was committed by another node: wake its sockets. */
    public void hinted(String userId, long eventId) {
        Set<Subscription> subs = byUser.get(userId);
        if (subs != null) {
            lastHeard.merge(userId, eventId, Math::max);
            subs.forEach(Subscription::wake);
        }
    }

    /**
     * The safety net under notifications: wakes the sockets of every user whose newest event id
     * is beyond what this node last heard of, so a lost NOTIFY delays an event by about the
     * catch-up period, never loses it.
     */
    public void catchUp() {
        if (byUser.isEmpty()) {
            return;
        }
        eventLog.newestIds(byUser.keySet()).forEach((userId, newest) -> {
            Long heard = lastHeard.get(userId);
            if (heard == null || newest > heard) {
                hinted(userId, newest);
            }
        });
    }

    /** How many sockets are open on this node. */
    public int socketCount() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    /** How many sockets {@code userId} holds open on this node. */
    public int socketCount(String userId) {
        Set<Subscription> subs = byUser.get(userId);
        return subs == null ? 0 : subs.size();
    }

    void add(Subscription sub) {
        byUser.compute(sub.userId(), (user, subs) -> {
            Set<Subscription> set = subs == null ? ConcurrentHashMap.newKeySet() : subs;
            if (subs != null) {
                sub.useUserId(user); // the map's key: one copy of the id per user, not per socket
            }
            set.add(sub);
            recent.computeIfAbsent(user, u -> new RecentEvents());
            return set;
        });
    }

    void remove(Subscription sub) {
        if (sub.userId() == null) {
            return; // never authenticated, never added
        }
        byUser.computeIfPresent(sub.userId(), (user, subs) -> {
            subs.remove(sub);
            if (subs.isEmpty()) {
                recent.remove(user);
                lastHeard.remove(user);
                return null;
            }
            return subs;
        });
    }

    EventLog.Bounds bounds(String userId) {
        EventLog.Bounds bounds = eventLog.bounds(userId);
        if (byUser.containsKey(userId)) {
            lastHeard.merge(userId, bounds.newest(), Math::max);
        }
        return bounds;
    }

    /**
     * Events after the cursor, as frames: from the recent cache (encoded once per node) when it holds the next one; nothing when the
     * cursor is at the newest id this node has heard of (so a socket that is up to date costs no
     * query, whatever the fan-out); else from the store, once for all of the user's sockets here
     * that miss at the same moment ({@link RecentEvents#afterOrRead}).
     */
    List<SharedFrame> eventsAfter(String userId, long cursor, int limit) {
        RecentEvents cache = recent.get(userId);
        if (cache != null) {
            List<SharedFrame> run = cache.after(cursor, limit);
            if (!run.isEmpty()) {
                return run;
            }
            Long known = lastHeard.get(userId);
            if (known != null && cursor >= known) {
                return List.of();
            }
            return cache.afterOrRead(cursor, limit, () -> read(userId, cursor, limit));
        }
        return read(userId, cursor, limit);
    }

    private List<SharedFrame> read(String userId, long cursor, int limit) {
        return eventLog.readAfter(userId, cursor, Math.min(limit, EventLog.PAGE)).stream()
                .map(SharedFrame::of)
                .toList();
    }
}
