package dev.lanechat.server.tasks;

/** A task taken off its lane's queue, held under a lease until it completes or fails. */
public record Claim(
        String taskId,
        String leaseId,
        String userId,
        String conversationId,
        String messageId,
        String lane,
        int attempt) {}
