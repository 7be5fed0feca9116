package dev.lanechat.server.conversations;

import java.util.List;

/**
 * A conversation with one page of its messages, oldest first ({@code GET /api/conversations/{id}}):
 * the newest ones, or those before a given message. {@code hasMore} says older messages exist;
 * {@code nextBefore} is then the id to pass as {@code ?before=} for them (the oldest message of
 * this page), else null. {@code messageCount} is the total, not the page's size. The messages are
 * those of the chosen path (root to {@code leafId}), the other branches are not in it (issue 18).
 */
public record ConversationDetail(
        String id,
        String title,
        String createdAt,
        String updatedAt,
        long messageCount,
        double totalCostUsd,
        long unreadCount,
        String leafId,
        String lane,
        String systemPrompt,
        String laneUnavailable,
        List<Message> messages,
        boolean hasMore,
        String nextBefore) {

    static ConversationDetail of(Conversation c, MessagePage page) {
        return new ConversationDetail(
                c.id(),
                c.title(),
                c.createdAt(),
                c.updatedAt(),
                c.messageCount(),
                c.totalCostUsd(),
                c.unreadCount(),
                c.leafId(),
                c.lane(),
                c.systemPrompt(),
                c.laneUnavailable(),
                page.messages(),
                page.hasMore(),
                page.hasMore() ? page.messages().get(0).id() : null);
    }
}
