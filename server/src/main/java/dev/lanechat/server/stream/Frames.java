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
        try {
            return json.writeValueAsString(Map.of("event", "error", "data", data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
