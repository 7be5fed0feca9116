package dev.lanechat.server.events;

import java.util.Objects;

/**
 * One committed entry of a user's event log. {@code dataJson} is the event's {@code data} object
 * as JSON text, stored and sent as is, so the frame of an event is built once for every socket.
 *
 * <p>Not a record: an event appended inside a PostgreSQL writer batch gets its id at the batch's
 * end, just before the commit (see {@link EventLog} and store's BatchEnd); nobody reads it before
 * then, since an event is published only once committed. Equal when user, id, type and data are.
 */
public final class Event {
    private static final long UNASSIGNED = -1;

    private final String userId;
    private final String type;
    private final String dataJson;
    private long id;

    public Event(String userId, long id, String type, String dataJson) {
        this.userId = userId;
        this.id = id;
        this.type = type;
        this.dataJson = dataJson;
    }

    /** An event whose id the log assigns when it writes it. */
    static Event unnumbered(String userId, String type, String dataJson) {
        return new Event(userId, UNASSIGNED, type, dataJson);
    }

    void assign(long assigned) {
        if (id != UNASSIGNED) {
            throw new IllegalStateException("event " + id + " already has its id");
        }
        id = assigned;
    }

    public String userId() {
        return userId;
    }

    /** The per-user id; known once the event is written (always so for a committed event). */
    public long id() {
        if (id == UNASSIGNED) {
            throw new IllegalStateException("a " + type + " event's id is read before it was written");
        }
        return id;
    }

    public String type() {
        return type;
    }

    public String dataJson() {
        return dataJson;
    }

    /** The wire form, the same on the socket and in the long-poll: {"event":"update","id":N,"data":…}. */
    public String frame() {
        return "{\"event\":\"update\",\"id\":" + id() + ",\"data\":" + dataJson + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e
                && e.id == id
                && e.userId.equals(userId)
                && e.type.equals(type)
                && e.dataJson.equals(dataJson);
    }

    @Override
    public int hashCode() {
        return Objects.hash(userId, id, type, dataJson);
    }

    @Override
    public String toString() {
        return "Event[userId=" + userId + ", id=" + id + ", type=" + type + ", dataJson=" + dataJson + "]";
    }
}
