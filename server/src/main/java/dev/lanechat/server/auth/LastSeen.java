package dev.lanechat.server.auth;

import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each user last called the API, for the admin page (issue 20). A request only notes the
 * time in memory ({@link #seen}); the server's timer writes what was noted in one transaction a
 * second ({@link #flush}), and once more at shutdown. Each node writes a user's time at most once
 * per {@link #PRECISION}, so "last seen" is right to within a minute.
 *
 * <p>Why not a write per request: it waited for SQLite's write lock on a pooled connection. After a
 * restart under 10,000 reconnecting clients every user's first request wrote, the 8 pooled
 * connections all sat in SQLite's busy wait behind the writer, and the sockets' token look-ups
 * queued behind them for seconds (bench scenario 5: no socket resumed for 7 s after the port was
 * open). Through the writer, the notes of a second share one commit and no request waits for it.
 */
public final class LastSeen {
    private static final Logger log = LoggerFactory.getLogger(LastSeen.class);
    public static final Duration PRECISION = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;
    /** When this node last noted each user for writing (written or due). */
    private final Map<String, Instant> noted = new ConcurrentHashMap<>();
    /** Noted and not yet written. */
    private final Map<String, Instant> due = new ConcurrentHashMap<>();

    public LastSeen(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Notes that {@code userId} called now, to be written unless this node did so within a minute. */
    public void seen(String userId) {
        Instant now = clock.instant();
        Instant before = noted.get(userId);
        if (before != null && Duration.between(before, now).compareTo(PRECISION) < 0) {
            return;
        }
        noted.put(userId, now);
        due.put(userId, now);
    }

    /**
     * Writes the times noted since the last flush, in one transaction. When the store fails they
     * stay due for the next one (a newer note wins); a note for the admin page is never worth more
     * than a line in the log.
     */
    public synchronized void flush() {
        if (due.isEmpty()) {
            return;
        }
        Map<String, Instant> batch = new HashMap<>();
        for (String userId : due.keySet()) {
            Instant at = due.get(userId);
            if (at != null && due.remove(userId, at)) { // a note made meanwhile stays due
                batch.put(userId, at);
            }
        }
        try {
            jdbi.useTransaction(h ->
                    batch.forEach((userId, at) -> h.createUpdate("UPDATE users SET last_seen_at = :now WHERE id = :id")
                            .bind("now", Timestamps.format(at))
                            .bind("id", userId)
                            .execute()));
        } catch (RuntimeException e) {
            batch.forEach(due::putIfAbsent);
            log.warn("Could not note when {} users were last seen: {}", batch.size(), StoreErrors.describe(e));
        }
    }
}
