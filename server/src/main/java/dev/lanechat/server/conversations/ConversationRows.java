package dev.lanechat.server.conversations;

import dev.lanechat.server.store.Timestamps;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * A conversation's own row: created (new, or imported with its messages), its settings changed,
 * deleted with its messages. Sends and their answers write through {@link ConversationRepository}.
 */
public final class ConversationRows {

    /**
     * Inserts a new conversation's row in {@code h}'s transaction and returns it.
     *
     * @param lane null: the server's default
     * @param systemPrompt null: none
     */
    public Conversation insert(
            Handle h, String id, String userId, String title, String lane, String systemPrompt, Instant now) {
        String at = Timestamps.format(now);
        h.createUpdate("INSERT INTO conversations (id, user_id, title, created_at, updated_at, message_count,"
                        + " total_cost_usd, lane, system_prompt) VALUES (:id, :user, :title, :now, :now, 0, 0, :lane,"
                        + " :prompt)")
                .bind("id", id)
                .bind("user", userId)
                .bind("title", title)
                .bind("now", at)
                .bind("lane", lane)
                .bind("prompt", systemPrompt)
                .execute();
        return new Conversation(
                id, title == null ? Conversation.UNTITLED : title, at, at, 0, 0, 0, null, lane, systemPrompt, null);
    }

    /**
     * Applies a PATCH of the user's conversation (the fields it names; protocol.md E15) and marks
     * it changed; false when the conversation is not the user's.
     */
    public boolean update(Handle h, String userId, String id, ConversationChange change, Instant now) {
        StringBuilder set = new StringBuilder("updated_at = :now");
        if (change.title() != null) {
            set.append(", title = :title");
        }
        if (change.setsLane()) {
            set.append(", lane = :lane");
        }
        if (change.setsSystemPrompt()) {
            set.append(", system_prompt = :prompt");
        }
        var update = h.createUpdate("UPDATE conversations SET " + set + " WHERE id = :id AND user_id = :user")
                .bind("now", Timestamps.format(now))
                .bind("id", id)
                .bind("user", userId);
        if (change.title() != null) {
            update.bind("title", change.title());
        }
        if (change.setsLane()) {
            update.bind("lane", change.lane());
        }
        if (change.setsSystemPrompt()) {
            update.bind("prompt", change.systemPrompt());
        }
        return update.execute() == 1;
    }

    /**
     * Sets what an imported conversation's messages add up to (after {@link #insert} and its
     * {@link #insertMessages}): its own times, count, cost and chosen path's last message
     * ({@code leafId}, null when it has no messages); read through its last message.
     */
    public void finishImport(
            Handle h,
            String id,
            Instant createdAt,
            Instant updatedAt,
            long messageCount,
            double totalCostUsd,
            String leafId) {
        h.createUpdate("UPDATE conversations SET created_at = :created, updated_at = :updated, message_count = :count,"
                        + " total_cost_usd = :cost, read_position = :count, leaf_id = :leaf WHERE id = :id")
                .bind("leaf", leafId)
                .bind("created", Timestamps.format(createdAt))
                .bind("updated", Timestamps.format(updatedAt))
                .bind("count", messageCount)
                .bind("cost", totalCostUsd)
                .bind("id", id)
                .execute();
    }

    /**
     * Inserts {@code messages} at positions 1, 2, … of a new conversation, as one batch (an import);
     * each names its parent (a parent comes before its children).
     */
    public void insertMessages(Handle h, String conversationId, List<Message> messages) {
        long[] position = {0};
        MessageSql.INSERT_MESSAGE.batch(
                h, messages, (s, m) -> MessageSql.setMessage(s, 0, m, conversationId, ++position[0]));
    }

    /** Deletes the conversation's messages and the conversation; files and tasks go first (see the callers). */
    public void delete(Handle h, String conversationId) {
        h.createUpdate("DELETE FROM messages WHERE conversation_id = :id")
                .bind("id", conversationId)
                .execute();
        h.createUpdate("DELETE FROM conversations WHERE id = :id")
                .bind("id", conversationId)
                .execute();
    }
}
