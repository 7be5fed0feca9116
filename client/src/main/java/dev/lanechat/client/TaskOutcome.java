// The end of a task as the stream delivers it, whichever path brought it (push, replay, poll).
package dev.lanechat.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a task ended: {@code completed} with a {@link TaskResult}, or {@code failed} with an error.
 *
 * @param taskId the task
 * @param conversationId its conversation
 * @param messageId the assistant message it filled
 * @param lane its lane
 * @param status {@code "completed"} or {@code "failed"}
 * @param result the answer when completed, else null
 * @param error why it failed, else null
 * @param cancelled whether the failure was a cancellation
 * @param delivery the path that delivered it first
 */
public record TaskOutcome(
        String taskId,
        String conversationId,
        String messageId,
        String lane,
        String status,
        TaskResult result,
        String error,
        boolean cancelled,
        Delivery delivery) {

    /** The path by which an outcome reached the client. */
    public enum Delivery {
        /** The send answer itself carried the result (a lane that answers at once). */
        IMMEDIATE,
        /** A live {@code update} event on the socket. */
        PUSH,
        /** An {@code update} event replayed after a (re)subscribe with {@code since}. */
        REPLAY,
        /** {@code GET /api/tasks/{id}} while the socket was down. */
        POLL
    }

    /** @return whether the task completed (rather than failed) */
    public boolean completed() {
        return "completed".equals(status);
    }

    static TaskOutcome fromTask(Task t, Delivery delivery) {
        return new TaskOutcome(
                t.taskId(),
                t.conversationId(),
                t.messageId(),
                t.lane(),
                t.status(),
                t.result(),
                t.error(),
                "cancelled".equals(t.error()),
                delivery);
    }

    static TaskOutcome fromReceipt(SendReceipt r) {
        return new TaskOutcome(
                r.taskId(),
                r.conversationId(),
                r.messageId(),
                r.lane(),
                "completed",
                r.result(),
                null,
                false,
                Delivery.IMMEDIATE);
    }

    /** @return whether the event is an update that ends a task ({@code task.completed} / {@code task.failed}) */
    static boolean isEnd(Event e) {
        String type = e.type();
        return "update".equals(e.event()) && ("task.completed".equals(type) || "task.failed".equals(type));
    }

    /** Reads a {@code task.completed} / {@code task.failed} update; null for any other event. */
    static TaskOutcome fromEvent(Event e, ObjectMapper json, Delivery delivery) {
        String type = e.type();
        if (!isEnd(e) || e.taskId() == null) {
            return null;
        }
        JsonNode data = e.data();
        TaskResult result = null;
        JsonNode r = data.get("result");
        if (r != null && r.isObject()) {
            try {
                result = json.treeToValue(r, TaskResult.class);
            } catch (JsonProcessingException malformed) {
                // Leave result null: the outcome still ends the task, and the caller can refetch it.
            }
        }
        String error = e.text("error");
        boolean cancelled = data.path("cancelled").asBoolean(false) || "cancelled".equals(error);
        return new TaskOutcome(
                e.taskId(),
                e.text("conversation_id"),
                e.text("message_id"),
                e.text("lane"),
                "task.completed".equals(type) ? "completed" : "failed",
                result,
                error,
                cancelled,
                delivery);
    }
}
