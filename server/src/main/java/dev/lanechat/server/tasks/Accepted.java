package dev.lanechat.server.tasks;

/** The answer to a sent message: stored and queued ({@code 202}). */
public record Accepted(String status, String taskId, String messageId, String conversationId, String lane) {}
