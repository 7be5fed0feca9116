// Wire object: one message of a conversation.
package dev.lanechat.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A message of a conversation.
 *
 * @param id the message id
 * @param role {@code "user"} or {@code "assistant"}
 * @param content the text; {@code ""} for a pending assistant message
 * @param status {@code queued}, {@code running}, {@code completed} or {@code failed}
 * @param taskId the task that fills (or was created by) this message
 * @param lane the lane of that task
 * @param model the model that answered, null for user messages
 * @param costUsd the cost of the answer, null for user messages
 * @param files files attached to the answer, or to a user message (its attachments, E14)
 * @param error why the task failed, or null
 * @param createdAt when the message was stored
 * @param parentId the message this one follows in the conversation's tree, null for a first
 *     message (protocol E12; null from older servers)
 * @param siblingIds the versions of this message: the ids of every message with the same parent
 *     and role, oldest first, itself included (empty from older servers)
 */
public record Message(
        String id,
        String role,
        String content,
        String status,
        String taskId,
        String lane,
        String model,
        BigDecimal costUsd,
        List<FileInfo> files,
        String error,
        Instant createdAt,
        String parentId,
        List<String> siblingIds) {
    /** Normalises a missing file or sibling list to an empty one. */
    public Message {
        files = files == null ? List.of() : List.copyOf(files);
        siblingIds = siblingIds == null ? List.of() : List.copyOf(siblingIds);
    }
}
