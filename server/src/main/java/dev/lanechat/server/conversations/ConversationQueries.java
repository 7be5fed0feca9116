package dev.lanechat.server.conversations;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Reads of the user's conversations: one by id, and the list in pages. Every read is scoped to the owner. */
public final class ConversationQueries {
    private static final String CONVERSATION_COLUMNS =
            "id, title, created_at, updated_at, message_count, total_cost_usd, leaf_id, lane, system_prompt, "
                    + unreadCount("conversations.id", "conversations.read_position") + " AS unread_count";

    /**
     * One page of the user's conversations, newest first ({@code updated_at DESC, id DESC}).
     * Without a cursor: the newest {@code limit}. With one: first whatever was created or changed
     * after the walk's head (oldest change first, so that none is skipped when they overflow a
     * page), then the next ones after its tail; both parts are newer-first in the answer. So a walk
     * returns every conversation that exists throughout it at least once, one that does not change
     * during it exactly once, and one that changes again in its new state.
     */
    public ConversationList listPage(Handle h, String userId, ListCursor cursor, int limit) {
        if (cursor == null) {
            List<Conversation> newest =
                    conversations(h, "user_id = :user", "updated_at DESC, id DESC", limit + 1, userId, null);
            List<Conversation> page = newest.subList(0, Math.min(limit, newest.size()));
            String next = newest.size() > limit
                    ? new ListCursor(ListCursor.Key.of(page.get(0)), ListCursor.Key.of(page.get(page.size() - 1)))
                            .encode()
                    : null;
            return new ConversationList(List.copyOf(page), next);
        }
        List<Conversation> changed = conversations(
                h,
                "user_id = :user AND (updated_at > :at OR (updated_at = :at AND id > :id))",
                "updated_at ASC, id ASC",
                limit + 1,
                userId,
                cursor.head());
        int changedTaken = Math.min(limit, changed.size());
        int room = limit - changedTaken;
        List<Conversation> older = conversations(
                h,
                "user_id = :user AND (updated_at < :at OR (updated_at = :at AND id < :id))",
                "updated_at DESC, id DESC",
                room + 1,
                userId,
                cursor.tail());
        int olderTaken = Math.min(room, older.size());

        List<Conversation> page = new ArrayList<>(limit);
        for (int i = changedTaken - 1; i >= 0; i--) {
            page.add(changed.get(i));
        }
        page.addAll(older.subList(0, olderTaken));
        boolean more = changed.size() > changedTaken || older.size() > olderTaken;
        if (!more) {
            return new ConversationList(List.copyOf(page), null);
        }
        ListCursor.Key head = changedTaken > 0 ? ListCursor.Key.of(changed.get(changedTaken - 1)) : cursor.head();
        ListCursor.Key tail = olderTaken > 0 ? ListCursor.Key.of(older.get(olderTaken - 1)) : cursor.tail();
        return new ConversationList(List.copyOf(page), new ListCursor(head, tail).encode());
    }

    private static List<Conversation> conversations(
            Handle h, String where, String order, int limit, String userId, ListCursor.Key key) {
        var query = h.createQuery("SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE " + where + " ORDER BY "
                        + order + " LIMIT :limit")
                .bind("user", userId)
                .bind("limit", limit);
        if (key != null) {
            query.bind("at", key.updatedAt()).bind("id", key.id());
        }
        return query.map((rs, ctx) -> conversation(rs)).list();
    }

    public Optional<Conversation> find(Handle h, String userId, String id) {
        return h.createQuery(
                        "SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE id = :id AND user_id = :user")
                .bind("id", id)
                .bind("user", userId)
                .map((rs, ctx) -> conversation(rs))
                .findOne();
    }

    private static Conversation conversation(ResultSet rs) throws SQLException {
        String title = rs.getString("title");
        return new Conversation(
                rs.getString("id"),
                title == null ? Conversation.UNTITLED : title,
                rs.getString("created_at"),
                rs.getString("updated_at"),
                rs.getLong("message_count"),
                rs.getDouble("total_cost_usd"),
                rs.getLong("unread_count"),
                rs.getString("leaf_id"),
                rs.getString("lane"),
                rs.getString("system_prompt"),
                null);
    }

    /**
     * The SQL of a conversation's unread count: its finished answers after its read marker (the
     * index on (conversation_id, position) serves it).
     */
    static String unreadCount(String conversationId, String readPosition) {
        return "(SELECT COUNT(*) FROM messages u WHERE u.conversation_id = " + conversationId
                + " AND u.role = 'assistant' AND u.status IN ('completed', 'failed') AND u.position > " + readPosition
                + ")";
    }
}
