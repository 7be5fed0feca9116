package dev.lanechat.server.conversations;

import java.util.List;

/** A conversation with its messages, oldest first ({@code GET /api/conversations/{id}}). */
public record ConversationDetail(
        String id,
        String title,
        String createdAt,
        String updatedAt,
        long messageCount,
        double totalCostUsd,
        List<Message> messages) {

    static ConversationDetail of(Conversation c, List<Message> messages) {
        return new ConversationDetail(c.id(), c.title(), c.createdAt(), c.updatedAt(), c.messageCount(),
                c.totalCostUsd(), messages);
    }
}
