package dev.lanechat.server.conversations;

import dev.lanechat.server.files.FileInfo;
import java.util.List;

/**
 * A message as the API shows it. An assistant message is the answer a task fills: {@code content}
 * is "" until then; {@code status} follows the task. A user message is {@code completed} at once.
 * The conversation is a tree (issue 18): {@code parentId} is the message this one follows (null
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

    /** This message with its files and versions, as a page shows it. */
    Message with(List<FileInfo> files, List<String> siblingIds) {
        return new Message(
                id, role, content, status, taskId, lane, model, costUsd, files, error, createdAt, parentId, siblingIds);
    }
}
