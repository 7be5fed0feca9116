package dev.lanechat.server.events;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.store.BatchEnd;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.DirectStatement;
import dev.lanechat.server.store.Timestamps;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The per-user event log, the spine of delivery: live push, replay after a reconnect and the
 * long-poll are all reads of it from a cursor. Events are appended inside the caller's transaction
 * (the same one that writes the result they announce); ids come from the user's row, so they are
 * gapless and in commit order per user. An append inside a writer's batch is written at the
 * batch's end (store's BatchEnd), users in id order: on PostgreSQL the user's row is then held
 * from there to the commit, not from the batch's first event, which kept other nodes' batches
 * waiting on it; on SQLite each user's counter moves once for all of the batch's events.
 */
public final class EventLog {
    /** The most events one read returns (and the long-poll's page size). */
    public static final int PAGE = 500;

    /** The first writes of a batch's end: the users' rows before anything else a batch end takes. */
    public static final int BATCH_END_RANK = 0;

    // SQLite's append, in two steps (store's DirectStatement: plain JDBC on the writer, issue 15):
    // a user's ids for all of a batch's events at once, then a row for each.
    private static final DirectStatement TAKE_IDS = DirectStatement.of(
            "UPDATE users SET last_event_id = last_event_id + ? WHERE id = ? RETURNING last_event_id");

    private static final DirectStatement INSERT =
            DirectStatement.of("INSERT INTO events (user_id, id, type, data, created_at) VALUES (?, ?, ?, ?, ?)");

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    /** The dialect's one-statement append (PostgreSQL), or null. */
    private final DirectStatement appendInOne;

    private final BatchEnd<Event> appends;

    /** The log of {@code database}. */
    public EventLog(Database database, ObjectMapper json, Clock clock) {
        this.jdbi = database.jdbi();
        this.json = json;
        this.clock = clock;
        String inOne = database.dialect().appendEventStatement();
        this.appendInOne = inOne == null ? null : DirectStatement.of(inOne);
        this.appends = database.batchEnd(BATCH_END_RANK, this::write);
    }

    /** Writes an event's data object to a generator of the log's JSON mapper. */
    @FunctionalInterface
    public interface DataWriter {
        void write(JsonGenerator generator) throws IOException;
    }

    /**
     * Appends an event of {@code type} with {@code data} (serialised to JSON) in {@code handle}'s
     * transaction. Its id is known once the transaction is at its commit.
     */
    public Event append(Handle handle, String userId, String type, Object data) {
        return appendJson(handle, userId, type, asJson(data));
    }

    /**
     * {@link #append}, the data written by {@code data} straight to a generator of the same mapper
     * (so the text is what the mapper would write), for the events of every task: no map of the
     * data, no serializer lookups on the store's writer (issue 15).
     */
    public Event appendWritten(Handle handle, String userId, String type, DataWriter data) {
        return appendJson(handle, userId, type, written(data));
    }

    private Event appendJson(Handle handle, String userId, String type, String dataJson) {
        Event event = Event.unnumbered(userId, type, dataJson);
        appends.add(handle, event);
        return event;
    }

    /** Writes events in {@code handle}'s transaction, a user's in their order, users by id. */
    private void write(Handle handle, List<Event> events) {
        List<Event> ordered = events;
        if (events.size() > 1) {
            ordered = new ArrayList<>(events);
            ordered.sort(Comparator.comparing(Event::userId)); // stable: a user's order stays
        }
        String now = Timestamps.format(clock.instant());
        if (appendInOne != null) {
            for (Event event : ordered) {
                event.assign(appendInOne(handle, event, now));
            }
            return;
        }
        int from = 0;
        while (from < ordered.size()) {
            int to = from + 1;
            while (to < ordered.size()
                    && ordered.get(to).userId().equals(ordered.get(from).userId())) {
                to++;
            }
            appendInSteps(handle, ordered.subList(from, to), now);
            from = to;
        }
    }

    private long appendInOne(Handle handle, Event event, String now) {
        return appendInOne.one(
                handle,
                s -> {
                    s.setString(1, event.userId());
                    s.setString(2, event.userId());
                    s.setString(3, event.type());
                    s.setString(4, event.dataJson());
                    s.setString(5, now);
                },
                rs -> rs.getLong(1));
    }

    /** Appends one user's events, in their order, with one move of the user's counter. */
    private void appendInSteps(Handle handle, List<Event> events, String now) {
        String userId = events.get(0).userId();
        long last = TAKE_IDS.one(
                handle,
                s -> {
                    s.setInt(1, events.size());
                    s.setString(2, userId);
                },
                rs -> rs.getLong(1));
        long id = last - events.size();
        for (Event event : events) {
            long assigned = ++id;
            INSERT.update(handle, s -> {
                s.setString(1, userId);
                s.setLong(2, assigned);
                s.setString(3, event.type());
                s.setString(4, event.dataJson());
                s.setString(5, now);
            });
            event.assign(assigned);
        }
    }

    private String written(DataWriter data) {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator generator = json.createGenerator(text)) {
            data.write(generator);
        } catch (IOException e) {
            throw new IllegalStateException("event data cannot be written as JSON", e);
        }
        return text.toString();
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
