package dev.lanechat.server.stream;

import dev.lanechat.server.events.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A text frame's UTF-8 bytes, encoded once and written as they are to every socket that gets it
 * (each send takes its own {@link ByteBuffer#slice() slice}: the bytes are shared, and nothing
 * writes to them; a heap buffer with an array, so Jetty copies it out in one go).
 * {@code event} is the event it carries, or null for the server's own frames.
 */
record SharedFrame(Event event, ByteBuffer bytes) {
    static final SharedFrame PING = of(Frames.PING);
    static final SharedFrame RESET = of(Frames.RESET);

    static SharedFrame of(String text) {
        return new SharedFrame(null, utf8(text));
    }

    static SharedFrame of(Event event) {
        return new SharedFrame(event, utf8(event.frame()));
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A view of its own for one send (position and limit are per buffer, the bytes are shared). */
    ByteBuffer payload() {
        return bytes.slice();
    }
}
