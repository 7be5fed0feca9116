package dev.lanechat.server.conversations;

/**
 * A conversation as the API lists it. {@code unreadCount}: its finished answers after the owner's
 * read marker (see {@link ConversationService#markRead}). {@code leafId}: the last message of the
 * chosen path (issue 18), null while it has none.
 */
public record Conversation(
        String id,
        String title,
        String createdAt,
        String updatedAt,
        long messageCount,
        double totalCostUsd,
        long unreadCount,
        String leafId) {}
