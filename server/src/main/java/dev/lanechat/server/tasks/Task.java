package dev.lanechat.server.tasks;

/** A task as the polling endpoint shows it. {@code result} is set once it completed, {@code error} once it failed. */
public record Task(
        String taskId,
        String status,
        String lane,
        String conversationId,
        String messageId,
        String createdAt,
        String updatedAt,
        TaskResult result,
        String error) {}
