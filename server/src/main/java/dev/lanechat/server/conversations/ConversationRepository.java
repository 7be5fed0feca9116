package dev.lanechat.server.conversations;

import dev.lanechat.server.store.DirectStatement;
import dev.lanechat.server.store.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of a send and its answer (the write path of issue 15): the reserve and the inserts of
 * a send, what its task writes to the answer as it runs and ends, and what the lane is given to
 * read (the history, the message answered, the system prompt). Creating, changing and deleting a
 * conversation is {@link ConversationRows}; the API's reads are {@link ConversationQueries} and
 * {@link MessageTree}.
 */
public final class ConversationRepository {
    private static final int AUTO_TITLE_LENGTH = 60;

    // The statements of every send and its answer run as plain JDBC on the store's writer (store's
    // DirectStatement, issue 15); the rarer ones go through Jdbi.

    // The title is set by a statement of its own, only while there is none: naming `title` in
    // this UPDATE fired the search index's title trigger (a delete and an insert in
    // conversations_fts) on every send (issue 15).
    private static final DirectStatement RESERVE = DirectStatement.of(
            "UPDATE conversations SET message_count = message_count + ?, updated_at = ?, lane = COALESCE(?, lane) "
                    + "WHERE id = ? AND user_id = ? RETURNING message_count, leaf_id, lane, title IS NULL");

    private static final DirectStatement SET_LEAF =
            DirectStatement.of("UPDATE conversations SET leaf_id = ? WHERE id = ?");

    private static final DirectStatement SET_STATUS = DirectStatement.of("UPDATE messages SET status = ? WHERE id = ?");

    private static final DirectStatement COMPLETE = DirectStatement.of(
            "UPDATE messages SET content = ?, model = ?, cost_usd = ?, status = 'completed', error = NULL WHERE id = ?");

    private static final DirectStatement ADD_COST = DirectStatement.of(
            "UPDATE conversations SET updated_at = ?, total_cost_usd = total_cost_usd + ? WHERE id = ?");

    /**
     * Where new messages go: the position of the first, and the chosen path's last message before
     * them; and the conversation's lane after the reserve (the one named, else the one stored).
     */
    public record Reserved(long position, String previousLeafId, String lane) {}

    /**
     * Reserves the positions of {@code count} new messages (a send's user message and answer, an
     * edit's, or a regenerated answer alone) and marks the conversation active; names it after
     * {@code firstContent} if it has no title (null: leaves it), and remembers {@code namedLane} (the
     * lane the send named; null leaves the stored one) as the lane of its next sends (protocol.md
     * E15). The row stays locked to the end of
     * the transaction, so the leaf read here is the one the new messages follow. Empty when the
     * conversation is not the user's.
     */
    public Optional<Reserved> reserve(
            Handle h,
            String userId,
            String conversationId,
            int count,
            String firstContent,
            String namedLane,
            Instant now) {
        Optional<Map.Entry<Reserved, Boolean>> row = RESERVE.first(
                h,
                s -> {
                    s.setInt(1, count);
                    s.setString(2, Timestamps.format(now));
                    s.setString(3, namedLane);
                    s.setString(4, conversationId);
                    s.setString(5, userId);
                },
                rs -> Map.entry(
                        new Reserved(rs.getLong(1) - count + 1, rs.getString(2), rs.getString(3)), rs.getBoolean(4)));
        if (row.isPresent() && row.get().getValue() && firstContent != null) {
            h.createUpdate("UPDATE conversations SET title = :title WHERE id = :id AND title IS NULL")
                    .bind("title", autoTitle(firstContent))
                    .bind("id", conversationId)
                    .execute();
        }
        return row.map(Map.Entry::getKey);
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

    /** Makes {@code leafId} the last message of the conversation's chosen path. */
    public void setLeaf(Handle h, String conversationId, String leafId) {
        SET_LEAF.update(h, s -> {
            s.setString(1, leafId);
            s.setString(2, conversationId);
        });
    }

    /** A message of a conversation as the tree's operations need it (no files, no versions). */
    public Optional<Message> findMessage(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT " + MessageSql.MESSAGE_COLUMNS
                        + " FROM messages WHERE id = :id AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .map((rs, ctx) -> MessageSql.message(rs))
                .findOne();
    }

    /** Whether an answer under the message {@code parentId} is still queued or running. */
    public boolean hasPendingAnswer(Handle h, String conversationId, String parentId) {
        return h.createQuery("SELECT COUNT(*) FROM messages WHERE conversation_id = :conversation "
                                + "AND parent_id = :parent AND role = 'assistant' AND status IN ('queued', 'running')")
                        .bind("conversation", conversationId)
                        .bind("parent", parentId)
                        .mapTo(Long.class)
                        .one()
                > 0;
    }

    public void insertMessage(Handle h, Message m, String conversationId, long position) {
        MessageSql.INSERT_MESSAGE.update(h, s -> MessageSql.setMessage(s, 0, m, conversationId, position));
    }

    /**
     * Inserts a send's two messages (its user message at {@code position}, the answer right after)
     * in one statement: one execution fewer per send on the write path (issue 15).
     */
    public void insertMessagePair(Handle h, String conversationId, Message first, Message second, long position) {
        MessageSql.INSERT_MESSAGE_PAIR.update(h, s -> {
            int next = MessageSql.setMessage(s, 0, first, conversationId, position);
            MessageSql.setMessage(s, next, second, conversationId, position + 1);
        });
    }

    /** Sets the status of an answer that is still pending. */
    public void setPendingStatus(Handle h, String messageId, String status) {
        SET_STATUS.update(h, s -> {
            s.setString(1, status);
            s.setString(2, messageId);
        });
    }

    /**
     * Fills an answer with its result and adds its cost to the conversation. An answer without a
     * cost changes nothing the conversation list shows, so it leaves the conversation's row alone
     * (issue 15: one update of the conversation's row per task, the submit's).
     */
    public void complete(
            Handle h,
            String conversationId,
            String messageId,
            String content,
            String model,
            double costUsd,
            Instant now) {
        COMPLETE.update(h, s -> {
            s.setString(1, content);
            s.setString(2, model);
            s.setDouble(3, costUsd);
            s.setString(4, messageId);
        });
        if (costUsd == 0) {
            return;
        }
        ADD_COST.update(h, s -> {
            s.setString(1, Timestamps.format(now));
            s.setDouble(2, costUsd);
            s.setString(3, conversationId);
        });
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

    /** Sets an answer's content (the text a stopped answer had streamed). */
    public void setContent(Handle h, String messageId, String content) {
        h.createUpdate("UPDATE messages SET content = :content WHERE id = :id")
                .bind("content", content)
                .bind("id", messageId)
                .execute();
    }

    /** Sets the content of a stopped answer that has none yet; false when it is not one (or has some). */
    public boolean fillStopped(Handle h, String messageId, String content) {
        return h.createUpdate("UPDATE messages SET content = :content WHERE id = :id AND role = 'assistant'"
                                + " AND status = 'failed' AND error = :cancelled AND content = ''")
                        .bind("content", content)
                        .bind("id", messageId)
                        .bind("cancelled", MessageStatus.CANCELLED)
                        .execute()
                > 0;
    }

    /**
     * What a lane is given for the answer {@code answerMessageId}: the completed messages of its
     * path (issue 18), from the root to the user's message it answers (its parent), oldest first.
     * Bounded for the model's context and the server's memory: the walk up by {@code parent_id}
     * goes at most {@code maxMessages} steps, and the older messages come only while their content
     * stays within {@code maxBytes} of UTF-8 in all; the message answered is always there, whatever
     * its size. Sizes are read first without the content (one recursive query, each step by the
     * primary key), then the content of the chosen messages alone.
     */
    public List<Map.Entry<String, String>> history(
            Handle h, String conversationId, String answerMessageId, int maxMessages, long maxBytes) {
        Optional<String> answered = parentOf(h, conversationId, answerMessageId);
        if (answered.isEmpty()) {
            return List.of();
        }
        List<String[]> sizes = h.createQuery(MessageSql.PATH_UP + "SELECT m.id, octet_length(m.content) FROM path "
                        + "JOIN messages m ON m.id = path.id WHERE m.status = 'completed' ORDER BY path.depth")
                .bind("start", answered.get())
                .bind("conversation", conversationId)
                .bind("steps", Math.max(1, maxMessages))
                .map((rs, ctx) -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))})
                .list();
        List<String> ids = new ArrayList<>();
        long bytes = 0;
        for (String[] row : sizes) {
            long size = Long.parseLong(row[1]);
            if (!ids.isEmpty() && bytes + size > maxBytes) {
                break;
            }
            ids.add(row[0]);
            bytes += size;
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT role, content FROM messages WHERE conversation_id = :conversation "
                        + "AND id IN (<ids>) ORDER BY position")
                .bind("conversation", conversationId)
                .bindList("ids", ids)
                .map((rs, ctx) -> Map.entry(rs.getString("role"), rs.getString("content")))
                .list();
    }

    private static Optional<String> parentOf(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT parent_id FROM messages WHERE id = :id AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .mapTo(String.class)
                .findOne()
                .filter(java.util.Objects::nonNull);
    }

    /**
     * The content of the message that the answer {@code answerMessageId} answers (its parent: what
     * {@link #history} ends with), in one read by primary key.
     */
    public Optional<String> messageAnswered(Handle h, String conversationId, String answerMessageId) {
        return h.createQuery("SELECT p.content FROM messages a JOIN messages p ON p.id = a.parent_id "
                        + "WHERE a.id = :answer AND a.conversation_id = :conversation")
                .bind("answer", answerMessageId)
                .bind("conversation", conversationId)
                .mapTo(String.class)
                .findOne();
    }

    /**
     * The id of the message that the answer {@code answerMessageId} answers (the same message as
     * {@link #messageAnswered}): where its attachments are found (E14).
     */
    public Optional<String> messageAnsweredId(Handle h, String conversationId, String answerMessageId) {
        return parentOf(h, conversationId, answerMessageId);
    }

    /** The conversation's system prompt; empty when it has none. */
    public Optional<String> systemPromptOf(Handle h, String conversationId) {
        return h.createQuery("SELECT system_prompt FROM conversations WHERE id = :id")
                .bind("id", conversationId)
                .mapTo(String.class)
                .findOne();
    }
}
