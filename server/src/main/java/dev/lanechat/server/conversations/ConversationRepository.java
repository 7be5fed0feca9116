package dev.lanechat.server.conversations;

import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.store.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** The SQL of conversations and messages. Every read is scoped to the owning user. */
public final class ConversationRepository {
    /** The title of a conversation that has none yet. */
    public static final String UNTITLED = "New conversation";
    private static final int AUTO_TITLE_LENGTH = 60;

    private static final String CONVERSATION_COLUMNS =
            "id, title, created_at, updated_at, message_count, total_cost_usd";

    private final FileRepository files;

    public ConversationRepository(FileRepository files) {
        this.files = files;
    }

    public Conversation insert(Handle h, String id, String userId, String title, Instant now) {
        String at = Timestamps.format(now);
        h.createUpdate("INSERT INTO conversations (id, user_id, title, created_at, updated_at, message_count, total_cost_usd) "
                        + "VALUES (:id, :user, :title, :now, :now, 0, 0)")
                .bind("id", id)
                .bind("user", userId)
                .bind("title", title)
                .bind("now", at)
                .execute();
        return new Conversation(id, title == null ? UNTITLED : title, at, at, 0, 0);
    }

    public List<Conversation> list(Handle h, String userId) {
        return h.createQuery("SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE user_id = :user "
                        + "ORDER BY updated_at DESC, created_at DESC, id")
                .bind("user", userId)
                .map((rs, ctx) -> conversation(rs))
                .list();
    }

    public Optional<Conversation> find(Handle h, String userId, String id) {
        return h.createQuery("SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE id = :id AND user_id = :user")
                .bind("id", id)
                .bind("user", userId)
                .map((rs, ctx) -> conversation(rs))
                .findOne();
    }

    public List<Message> messages(Handle h, String conversationId) {
        List<Message> bare = h.createQuery("SELECT id, role, content, status, task_id, lane, model, cost_usd, error, created_at "
                        + "FROM messages WHERE conversation_id = :conversation ORDER BY position")
                .bind("conversation", conversationId)
                .map((rs, ctx) -> message(rs))
                .list();
        Map<String, List<FileInfo>> filesByMessage = files.forMessages(h, bare.stream().map(Message::id).toList());
        return bare.stream()
                .map(m -> new Message(m.id(), m.role(), m.content(), m.status(), m.taskId(), m.lane(), m.model(),
                        m.costUsd(), filesByMessage.getOrDefault(m.id(), List.of()), m.error(), m.createdAt()))
                .toList();
    }

    /**
     * Reserves the positions of a new pair of messages (the user's and the answer's) and marks the
     * conversation active; names it after the first message if it has no title. Returns the
     * position of the user's message, or empty when the conversation is not the user's.
     */
    public Optional<Long> reservePair(Handle h, String userId, String conversationId, String firstContent, Instant now) {
        return h.createQuery("UPDATE conversations SET message_count = message_count + 2, updated_at = :now, "
                        + "title = COALESCE(title, :title) WHERE id = :id AND user_id = :user RETURNING message_count")
                .bind("now", Timestamps.format(now))
                .bind("title", autoTitle(firstContent))
                .bind("id", conversationId)
                .bind("user", userId)
                .mapTo(Long.class)
                .findOne()
                .map(count -> count - 1);
    }

    public void insertMessage(Handle h, Message m, String conversationId, long position) {
        h.createUpdate("INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                        + "cost_usd, error, created_at) VALUES (:id, :conversation, :position, :role, :content, :status, "
                        + ":task, :lane, :model, :cost, :error, :created)")
                .bind("id", m.id())
                .bind("conversation", conversationId)
                .bind("position", position)
                .bind("role", m.role())
                .bind("content", m.content())
                .bind("status", m.status())
                .bind("task", m.taskId())
                .bind("lane", m.lane())
                .bind("model", m.model())
                .bind("cost", m.costUsd())
                .bind("error", m.error())
                .bind("created", m.createdAt())
                .execute();
    }

    /** Sets the status of an answer that is still pending. */
    public void setPendingStatus(Handle h, String messageId, String status) {
        h.createUpdate("UPDATE messages SET status = :status WHERE id = :id")
                .bind("status", status)
                .bind("id", messageId)
                .execute();
    }

    /** Fills an answer with its result and adds its cost to the conversation. */
    public void complete(Handle h, String conversationId, String messageId, String content, String model,
            double costUsd, Instant now) {
        h.createUpdate("UPDATE messages SET content = :content, model = :model, cost_usd = :cost, status = 'completed', "
                        + "error = NULL WHERE id = :id")
                .bind("content", content)
                .bind("model", model)
                .bind("cost", costUsd)
                .bind("id", messageId)
                .execute();
        h.createUpdate("UPDATE conversations SET updated_at = :now, total_cost_usd = total_cost_usd + :cost WHERE id = :id")
                .bind("now", Timestamps.format(now))
                .bind("cost", costUsd)
                .bind("id", conversationId)
                .execute();
    }

    /** Marks an answer failed with its error. */
    public void fail(Handle h, String conversationId, String messageId, String error, Instant now) {
        h.createUpdate("UPDATE messages SET status = 'failed', error = :error WHERE id = :id")
                .bind("error", error)
                .bind("id", messageId)
                .execute();
        h.createUpdate("UPDATE conversations SET updated_at = :now WHERE id = :id")
                .bind("now", Timestamps.format(now))
                .bind("id", conversationId)
                .execute();
    }

    public boolean rename(Handle h, String userId, String id, String title, Instant now) {
        return h.createUpdate("UPDATE conversations SET title = :title, updated_at = :now WHERE id = :id AND user_id = :user")
                .bind("title", title)
                .bind("now", Timestamps.format(now))
                .bind("id", id)
                .bind("user", userId)
                .execute() == 1;
    }

    /** Deletes the conversation's messages and the conversation; files and tasks go first (see the callers). */
    public void delete(Handle h, String conversationId) {
        h.createUpdate("DELETE FROM messages WHERE conversation_id = :id").bind("id", conversationId).execute();
        h.createUpdate("DELETE FROM conversations WHERE id = :id").bind("id", conversationId).execute();
    }

    /** The earlier exchange of a conversation, for processors that send history to a model. */
    public List<Map.Entry<String, String>> history(Handle h, String conversationId, String beforeMessageId) {
        return h.createQuery("SELECT role, content FROM messages WHERE conversation_id = :conversation "
                        + "AND position < (SELECT position FROM messages WHERE id = :before) AND status = 'completed' "
                        + "ORDER BY position")
                .bind("conversation", conversationId)
                .bind("before", beforeMessageId)
                .map((rs, ctx) -> Map.entry(rs.getString("role"), rs.getString("content")))
                .list();
    }

    private static String autoTitle(String content) {
        String firstLine = content.strip().lines().findFirst().orElse("").strip();
        if (firstLine.length() <= AUTO_TITLE_LENGTH) {
            return firstLine.isEmpty() ? null : firstLine;
        }
        int cut = AUTO_TITLE_LENGTH;
        if (Character.isHighSurrogate(firstLine.charAt(cut - 1))) {
            cut--;
        }
        return firstLine.substring(0, cut) + "…";
    }

    private static Conversation conversation(ResultSet rs) throws SQLException {
        String title = rs.getString("title");
        return new Conversation(rs.getString("id"), title == null ? UNTITLED : title, rs.getString("created_at"),
                rs.getString("updated_at"), rs.getLong("message_count"), rs.getDouble("total_cost_usd"));
    }

    private static Message message(ResultSet rs) throws SQLException {
        double cost = rs.getDouble("cost_usd");
        Double costUsd = rs.wasNull() ? null : cost;
        return new Message(rs.getString("id"), rs.getString("role"), rs.getString("content"), rs.getString("status"),
                rs.getString("task_id"), rs.getString("lane"), rs.getString("model"), costUsd, List.of(),
                rs.getString("error"), rs.getString("created_at"));
    }
}
