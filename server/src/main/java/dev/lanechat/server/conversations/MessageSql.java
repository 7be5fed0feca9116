package dev.lanechat.server.conversations;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The SQL a message row is read and written with, shared by the repositories of this package:
 * its columns, its insert (one message or a send's pair), its mapping, and the walk up a path.
 */
final class MessageSql {
    private MessageSql() {}

    /**
     * The walk from the message {@code :start} of {@code :conversation} up to the root by
     * {@code parent_id}, at most {@code :steps} messages: rows (id, depth), depth 1 being the start.
     */
    static final String PATH_UP = "WITH RECURSIVE path (id, parent_id, depth) AS ("
            + "SELECT id, parent_id, 1 FROM messages WHERE id = :start AND conversation_id = :conversation "
            + "UNION ALL SELECT m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id "
            + "WHERE path.depth < :steps) ";

    static final String INSERT_MESSAGE_PAIR =
            "INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                    + "cost_usd, error, created_at, parent_id) VALUES (:id, :conversation, :position, :role, :content, "
                    + ":status, :task, :lane, :model, :cost, :error, :created, :parent), (:id2, :conversation2, "
                    + ":position2, :role2, :content2, :status2, :task2, :lane2, :model2, :cost2, :error2, :created2, "
                    + ":parent2)";

    static final String INSERT_MESSAGE =
            "INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                    + "cost_usd, error, created_at, parent_id) VALUES (:id, :conversation, :position, :role, :content, "
                    + ":status, :task, :lane, :model, :cost, :error, :created, :parent)";

    static final String MESSAGE_COLUMNS =
            "id, role, content, status, task_id, lane, model, cost_usd, error, created_at, parent_id";

    static <S extends SqlStatement<S>> S bindMessage(S statement, Message m, String conversationId, long position) {
        return bindMessage(statement, "", m, conversationId, position);
    }

    /** Binds a message's values to the names of {@link #INSERT_MESSAGE}, each followed by {@code suffix}. */
    static <S extends SqlStatement<S>> S bindMessage(
            S statement, String suffix, Message m, String conversationId, long position) {
        return statement
                .bind("id" + suffix, m.id())
                .bind("conversation" + suffix, conversationId)
                .bind("position" + suffix, position)
                .bind("role" + suffix, m.role())
                .bind("content" + suffix, m.content())
                .bind("status" + suffix, m.status())
                .bind("task" + suffix, m.taskId())
                .bind("lane" + suffix, m.lane())
                .bind("model" + suffix, m.model())
                .bind("cost" + suffix, m.costUsd())
                .bind("error" + suffix, m.error())
                .bind("created" + suffix, m.createdAt())
                .bind("parent" + suffix, m.parentId());
    }

    static Message message(ResultSet rs) throws SQLException {
        double cost = rs.getDouble("cost_usd");
        Double costUsd = rs.wasNull() ? null : cost;
        return new Message(
                rs.getString("id"),
                rs.getString("role"),
                rs.getString("content"),
                rs.getString("status"),
                rs.getString("task_id"),
                rs.getString("lane"),
                rs.getString("model"),
                costUsd,
                List.of(),
                rs.getString("error"),
                rs.getString("created_at"),
                rs.getString("parent_id"),
                List.of());
    }
}
