package dev.lanechat.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.store.Dialect;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The per-user event log, the spine of delivery: live push, replay after a reconnect and the
 * long-poll are all reads of it from a cursor. Events are appended inside the caller's transaction
 * (the same one that writes the result they announce); ids come from the user's row, so they are
 * gapless and in commit order per user.
 */
public final class EventLog {
    /** The most events one read returns (and the long-poll's page size). */
    public static final int PAGE = 500;

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;
    /** SQL that tells other nodes of an event on commit (bind :payload), or null. */
    private final String notifyStatement;

    /** The dialect's one-statement append (PostgreSQL), or null. */
    private final String appendStatement;

    /** The log of the store whose SQL {@code dialect} speaks. */
    public EventLog(Jdbi jdbi, ObjectMapper json, Clock clock, Dialect dialect) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
        this.notifyStatement = dialect.notifyStatement();
        this.appendStatement = dialect.appendEventStatement();
    }

    /** Appends an event of {@code type} with {@code data} (serialised to JSON) in {@code handle}'s transaction. */
    public Event append(Handle handle, String userId, String type, Object data) {
        if (appendStatement != null) {
            String dataJson = asJson(data);
            long id = handle.createQuery(appendStatement)
                    .bind("user", userId)
                    .bind("type", type)
                    .bind("data", dataJson)
                    .bind("now", Timestamps.format(clock.instant()))
                    .map((rs, ctx) -> rs.getLong("id"))
                    .one();
            return new Event(userId, id, type, dataJson);
        }
        long id = handle.createQuery(
                        "UPDATE users SET last_event_id = last_event_id + 1 WHERE id = :user RETURNING last_event_id")
                .bind("user", userId)
                .mapTo(Long.class)
                .one();
        String dataJson = asJson(data);
        handle.createUpdate(
                        "INSERT INTO events (user_id, id, type, data, created_at) VALUES (:user, :id, :type, :data, :now)")
                .bind("user", userId)
                .bind("id", id)
                .bind("type", type)
                .bind("data", dataJson)
                .bind("now", Timestamps.format(clock.instant()))
                .execute();
        if (notifyStatement != null) {
            // Delivered on commit only, so another node never hears of an event it cannot read yet.
            handle.createQuery(notifyStatement)
                    .bind("payload", userId + ":" + id)
                    .mapTo(String.class)
                    .findOne();
        }
        return new Event(userId, id, type, dataJson);
    }

    private String asJson(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event data cannot be written as JSON", e);
        }
    }

    /** Up to {@code limit} events of the user with an id above {@code afterId}, oldest first. */
    public List<Event> readAfter(String userId, long afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, type, data FROM events WHERE user_id = :user AND id > :after ORDER BY id LIMIT :limit")
                .bind("user", userId)
                .bind("after", afterId)
                .bind("limit", limit)
                .map((rs, ctx) -> new Event(userId, rs.getLong("id"), rs.getString("type"), rs.getString("data")))
                .list());
    }

    /** The ids the log can replay from: a cursor in [oldest - 1, newest] resumes; others reset. */
    public Bounds bounds(String userId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT u.last_event_id AS newest, (SELECT MIN(e.id) FROM events e WHERE e.user_id = u.id) AS oldest "
                                + "FROM users u WHERE u.id = :user")
                .bind("user", userId)
                .map((rs, ctx) -> {
                    long newest = rs.getLong("newest");
                    long oldest = rs.getLong("oldest");
                    // No rows kept (none yet, or all past retention): only the newest id resumes.
                    return new Bounds(rs.wasNull() ? newest + 1 : oldest, newest);
                })
                .one());
    }

    /** The newest event id of each of these users (for the periodic catch-up). */
    public java.util.Map<String, Long> newestIds(java.util.Collection<String> userIds) {
        java.util.Map<String, Long> newest = new java.util.HashMap<>();
        List<String> ids = List.copyOf(userIds);
        for (int from = 0; from < ids.size(); from += PAGE) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + PAGE));
            jdbi.useHandle(h -> h.createQuery("SELECT id, last_event_id FROM users WHERE id IN (<ids>)")
                    .bindList("ids", chunk)
                    .map((rs, ctx) -> java.util.Map.entry(rs.getString("id"), rs.getLong("last_event_id")))
                    .forEach(e -> newest.put(e.getKey(), e.getValue())));
        }
        return newest;
    }

    /** Deletes events older than {@code retention}, keeping each user's newest so that its id stays known. */
    public int deleteOlderThan(Duration retention) {
        String cutoff = Timestamps.format(clock.instant().minus(retention));
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM events WHERE created_at < :cutoff "
                        + "AND id < (SELECT u.last_event_id FROM users u WHERE u.id = events.user_id)")
                .bind("cutoff", cutoff)
                .execute());
    }

    /**
     * What a user's log holds: events {@code oldest..newest}. A reader whose cursor is below
     * {@code oldest - 1} has missed events that are gone; one above {@code newest} saw a store that
     * has been replaced. Both must start over.
     */
    public record Bounds(long oldest, long newest) {
        public boolean canResumeFrom(long cursor) {
            return cursor >= oldest - 1 && cursor <= newest;
        }
    }
}
