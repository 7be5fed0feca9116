package dev.lanechat.server.conversations;

import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The SQL of a conversation's read marker: where a message stands, and moving the marker past it. */
public final class ReadMarkers {

    /** The position of a message in its conversation; empty when it is not one of that conversation's. */
    public Optional<Long> positionOf(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT position FROM messages WHERE id = :id AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .mapTo(Long.class)
                .findOne();
    }

    /**
     * Moves the read marker of the user's conversation forward to {@code position} (never back).
     *
     * @return the unread count after, or empty when the marker did not move (nothing new was read)
     */
    public Optional<Long> markReadThrough(Handle h, String conversationId, long position) {
        int moved = h.createUpdate("UPDATE conversations SET read_position = :position"
                        + " WHERE id = :id AND read_position < :position")
                .bind("id", conversationId)
                .bind("position", position)
                .execute();
        if (moved == 0) {
            return Optional.empty();
        }
        return Optional.of(h.createQuery("SELECT " + ConversationQueries.unreadCount(":id", "read_position")
                        + " FROM conversations WHERE id = :id")
                .bind("id", conversationId)
                .mapTo(Long.class)
                .one());
    }

    /** The position of the conversation's newest message, or 0 when it has none. */
    public long newestPosition(Handle h, String conversationId) {
        return h.createQuery("SELECT COALESCE(MAX(position), 0) FROM messages WHERE conversation_id = :id")
                .bind("id", conversationId)
                .mapTo(Long.class)
                .one();
    }
}
