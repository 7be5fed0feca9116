package dev.lanechat.server.events;

/**
 * One committed entry of a user's event log. {@code dataJson} is the event's {@code data} object
 * as JSON text, stored and sent as is, so the frame of an event is built once for every socket.
 */
public record Event(String userId, long id, String type, String dataJson) {

    /** The wire form, the same on the socket and in the long-poll: {"event":"update","id":N,"data":…}. */
    public String frame() {
        return "{\"event\":\"update\",\"id\":" + id + ",\"data\":" + dataJson + "}";
    }
}
