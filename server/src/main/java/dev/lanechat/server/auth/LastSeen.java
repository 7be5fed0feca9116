package dev.lanechat.server.auth;

import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each user last called the API, for the admin page (issue 20). A write per request would
 * cost every request a write lock on SQLite, so each node writes a user's time at most once per
 * {@link #PRECISION}; "last seen" is therefore right to within a minute.
 */
public final class LastSeen {
    private static final Logger log = LoggerFactory.getLogger(LastSeen.class);
    public static final Duration PRECISION = Duration.ofMinutes(1);

    private final Jdbi jdbi;
    private final Clock clock;
    private final Map<String, Instant> written = new ConcurrentHashMap<>();

    public LastSeen(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Notes that {@code userId} called now; writes it when this node has not for a minute. */
    public void seen(String userId) {
        Instant now = clock.instant();
        Instant before = written.get(userId);
        if (before != null && Duration.between(before, now).compareTo(PRECISION) < 0) {
            return;
        }
        written.put(userId, now);
        try {
            jdbi.useHandle(h -> h.createUpdate("UPDATE users SET last_seen_at = :now WHERE id = :id")
                    .bind("now", Timestamps.format(now))
                    .bind("id", userId)
                    .execute());
        } catch (RuntimeException e) {
            // A note for the admin page: never a reason to fail the request that made it.
            log.warn("Could not note when a user was last seen: {}", StoreErrors.describe(e));
        }
    }
}
