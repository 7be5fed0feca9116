package dev.lanechat.server.conversations;

/** A conversation as the API lists it. */
public record Conversation(
        String id, String title, String createdAt, String updatedAt, long messageCount, double totalCostUsd) {}
