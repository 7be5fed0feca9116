package dev.lanechat.server.conversations;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanechat.server.files.FileInfo;
import java.util.List;

/**
 * A message as the API shows it. An assistant message is the answer a task fills: {@code content}
 * is "" until then (a read shows a running answer's text so far); {@code status} follows the task.
 * A user message is {@code completed} at once. The conversation is a tree (issue 18): {@code parentId} is the message this one follows (null
 * for a first message), {@code siblingIds} the ids of every message with the same parent and role,
 * oldest first, this one included (its versions: regenerated answers, edited messages).
 */
public record Message(
        String id,
        String role,
        String content,
        String status,
        String taskId,
        String lane,
        String model,
        Double costUsd,
        List<FileInfo> files,
        String error,
        String createdAt,
        String parentId,
        List<String> siblingIds) {

    /**
     * Whether its user stopped this answer (protocol.md E13): it failed with the error "cancelled",
     * and {@code content} holds what it had streamed until then. Derived, not stored.
     */
    @JsonProperty("stopped")
    public boolean stopped() {
        return "assistant".equals(role) && MessageStatus.FAILED.equals(status) && MessageStatus.CANCELLED.equals(error);
    }

    /** This message with another {@code content}. */
    public Message withContent(String text) {
        return new Message(
                id, role, text, status, taskId, lane, model, costUsd, files, error, createdAt, parentId, siblingIds);
    }

    /** This message with its files and versions, as a page shows it. */
    Message with(List<FileInfo> files, List<String> siblingIds) {
        return new Message(
                id, role, content, status, taskId, lane, model, costUsd, files, error, createdAt, parentId, siblingIds);
    }
}
