package dev.lanechat.server.conversations;

import dev.lanechat.server.store.DirectStatement;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

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

    private static final String INSERT_INTO =
            "INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                    + "cost_usd, error, created_at, parent_id) VALUES ";

    /** The values of one message, in the order {@link #setMessage} sets them. */
    private static final String VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** How many parameters {@link #VALUES} has. */
    private static final int PARAMETERS = 13;

    /** Inserts one message ({@link #setMessage} from 0). */
    static final DirectStatement INSERT_MESSAGE = DirectStatement.of(INSERT_INTO + VALUES);

    /** Inserts a send's two messages in one statement ({@link #setMessage} from 0, then from 13). */
    static final DirectStatement INSERT_MESSAGE_PAIR = DirectStatement.of(INSERT_INTO + VALUES + ", " + VALUES);

    static final String MESSAGE_COLUMNS =
            "id, role, content, status, task_id, lane, model, cost_usd, error, created_at, parent_id";

    /**
     * Sets a message's values as parameters {@code after + 1} to {@code after + 13} of one of the
     * inserts above; returns the last one set (where the next message's values start).
     */
    static int setMessage(PreparedStatement s, int after, Message m, String conversationId, long position)
            throws SQLException {
        s.setString(after + 1, m.id());
        s.setString(after + 2, conversationId);
        s.setLong(after + 3, position);
        s.setString(after + 4, m.role());
        s.setString(after + 5, m.content());
        s.setString(after + 6, m.status());
        s.setString(after + 7, m.taskId());
        s.setString(after + 8, m.lane());
        s.setString(after + 9, m.model());
        if (m.costUsd() == null) {
            s.setNull(after + 10, Types.DOUBLE);
        } else {
            s.setDouble(after + 10, m.costUsd());
        }
        s.setString(after + 11, m.error());
        s.setString(after + 12, m.createdAt());
        s.setString(after + 13, m.parentId());
        return after + PARAMETERS;
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
