package dev.lanechat.server.tasks;

/**
 * The answer to a sent, regenerated or edited message: stored and queued ({@code 202}).
 * {@code messageId} is the new answer's, {@code userMessageId} the user's message it answers (new
 * for a send or an edit, the existing one for a regenerate).
 */
public record Accepted(
        String status, String taskId, String messageId, String userMessageId, String conversationId, String lane) {}
