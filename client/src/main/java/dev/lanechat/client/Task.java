// Wire object: a task, as the polling endpoint GET /api/tasks/{id} returns it.
package dev.lanechat.client;

import java.time.Instant;

/**
 * The work of answering one message.
 *
 * @param taskId the task id
 * @param status {@code queued}, {@code running}, {@code completed} or {@code failed}
 * @param lane the lane it runs in
 * @param conversationId its conversation
 * @param messageId the assistant message it fills
 * @param createdAt when it was queued
 * @param updatedAt when it last changed
 * @param result the answer once completed, else null
 * @param error why it failed ({@code "cancelled"} when cancelled), else null
 */
public record Task(
        String taskId,
        String status,
        String lane,
        String conversationId,
        String messageId,
        Instant createdAt,
        Instant updatedAt,
        TaskResult result,
        String error) {
    /** @return whether the task has ended, completed or failed */
    public boolean finished() {
        return "completed".equals(status) || "failed".equals(status);
    }
}
