// Wire object: the answer of POST /api/conversations/{id}/messages (and of regenerate and edit).
package dev.lanechat.client;

/**
 * The server's acknowledgement of a sent message. Version 1 servers always answer
 * {@code "queued"}; a lane may also answer at once with {@code "completed"} and a result.
 *
 * @param status {@code "queued"}, or {@code "completed"} with {@link #result()}
 * @param taskId the task that will answer
 * @param messageId the assistant message that task fills
 * @param conversationId the conversation
 * @param lane the lane the task runs in
 * @param result the answer when it came at once, else null
 * @param userMessageId the user message the answer answers (new for a send or an edit, the
 *     existing one for a regenerate); null from servers before protocol E12
 */
public record SendReceipt(
        String status,
        String taskId,
        String messageId,
        String conversationId,
        String lane,
        TaskResult result,
        String userMessageId) {
    /** A receipt without the user message's id (as servers before protocol E12 answer). */
    public SendReceipt(
            String status, String taskId, String messageId, String conversationId, String lane, TaskResult result) {
        this(status, taskId, messageId, conversationId, lane, result, null);
    }
}
