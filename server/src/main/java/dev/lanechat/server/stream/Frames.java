package dev.lanechat.server.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server's own socket frames (update frames come pre-built from {@code events.Event#frame}). */
final class Frames {
    static final String PING = "{\"event\":\"ping\",\"data\":{}}";
    static final String RESET = "{\"event\":\"reset\",\"data\":{}}";

    private final ObjectMapper json;

    Frames(ObjectMapper json) {
        this.json = json;
    }

    static String ready(long lastId) {
        return "{\"event\":\"ready\",\"data\":{\"last_id\":" + lastId + "}}";
    }

    String error(String code, String message, Long retryAfterMs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("code", code);
        data.put("message", message);
        if (retryAfterMs != null) {
            data.put("retry_after_ms", retryAfterMs);
        }
        return frame(json, "error", data);
    }

    /**
     * {@code {"event":…,"data":…}} in this order, as every frame of protocol.md: a {@code Map.of}
     * iterates in an order salted per JVM, so half the servers wrote {@code data} first, and
     * clients that tell frames apart by their start (the bench's generator) missed them.
     */
    static String frame(ObjectMapper json, String event, Map<String, Object> data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("event", event);
        frame.put("data", data);
        try {
            return json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
