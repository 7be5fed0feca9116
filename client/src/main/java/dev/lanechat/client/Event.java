// Wire object: one event, as the WebSocket sends it and GET /api/events lists it.
package dev.lanechat.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event frame. {@code data} is kept as a JSON tree because its shape depends on the event
 * and on {@code data.type}, and later servers may add types this client does not know.
 *
 * @param event the kind: {@code update}, {@code progress}, {@code ready}, {@code reset},
 *     {@code ping} or {@code error}
 * @param id the per-user event id for {@code update} events; null for the others
 * @param data the payload
 */
public record Event(String event, Long id, JsonNode data) {
    /** @return {@code data.type} (e.g. {@code task.completed}), or null when absent */
    public String type() {
        return text("type");
    }

    /** @return {@code data.task_id}, or null when absent */
    public String taskId() {
        return text("task_id");
    }

    /**
     * @param field a field of {@code data}
     * @return its text, or null when absent or JSON null
     */
    public String text(String field) {
        if (data == null) {
            return null;
        }
        JsonNode node = data.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
