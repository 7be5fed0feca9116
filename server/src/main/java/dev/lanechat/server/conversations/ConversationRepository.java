package dev.lanechat.server.conversations;

import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.store.Timestamps;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.SqlStatement;

/** The SQL of conversations and messages. Every read is scoped to the owning user. */
public final class ConversationRepository {
    /** The title of a conversation that has none yet. */
    public static final String UNTITLED = "New conversation";

    private static final int AUTO_TITLE_LENGTH = 60;

    /** What a page of messages counts for each message beyond its content and error (ids, times, names). */
    private static final int MESSAGE_ALLOWANCE = 512;
    /** And for each of its files (the metadata only; the bytes are downloaded apart). */
    private static final int FILE_ALLOWANCE = 512;

    private static final String CONVERSATION_COLUMNS =
            "id, title, created_at, updated_at, message_count, total_cost_usd, leaf_id, lane, system_prompt, "
                    + unreadCount("conversations.id", "conversations.read_position") + " AS unread_count";

    private final FileRepository files;

    public ConversationRepository(FileRepository files) {
        this.files = files;
    }

    /**
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
        return new Conversation(id, title == null ? UNTITLED : title, at, at, 0, 0, 0, null, lane, systemPrompt, null);
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

    /** The lane stored for the user's conversation; empty when none is (or there is no such conversation). */
    public Optional<String> laneOf(Handle h, String userId, String id) {
        return h.createQuery("SELECT lane FROM conversations WHERE id = :id AND user_id = :user")
                .bind("id", id)
                .bind("user", userId)
                .mapTo(String.class)
                .findOne();
    }

    /** The conversation's system prompt; empty when it has none. */
    public Optional<String> systemPromptOf(Handle h, String conversationId) {
        return h.createQuery("SELECT system_prompt FROM conversations WHERE id = :id")
                .bind("id", conversationId)
                .mapTo(String.class)
                .findOne();
    }

    /**
     * Sets what an imported conversation's messages add up to (after {@link #insert} and its
     * {@link #insertMessage}s): its own times, count, cost and chosen path's last message
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

    /** The position of a message in its conversation; empty when it is not one of that conversation's. */
    public Optional<Long> positionOf(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT position FROM messages WHERE id = :id AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .mapTo(Long.class)
                .findOne();
    }

    /**
     * The last messages of a path (issue 18): {@code endId} and the messages before it on its way
     * up to the root, oldest first (null {@code endId}: none). At most {@code limit}, and no more
     * older ones once their weight (content and error bytes of UTF-8, plus an allowance per message
     * and per file for the rest of the JSON) would pass {@code maxWeight}; the newest is always
     * taken. The walk up by {@code parent_id} is a recursive query bounded by {@code limit} + 1
     * steps (the primary key serves each step), reading the sizes without the content; then only
     * the chosen messages are read, weighed again as JSON (escapes included) and cut to the same
     * bound.
     */
    MessagePage messagePage(Handle h, String conversationId, String endId, int limit, long maxWeight) {
        if (endId == null) {
            return new MessagePage(List.of(), false);
        }
        List<String[]> sizes = h.createQuery(PATH_UP + "SELECT m.id, octet_length(m.content) "
                        + "+ COALESCE(octet_length(m.error), 0) + " + MESSAGE_ALLOWANCE + " + " + FILE_ALLOWANCE
                        + " * (SELECT COUNT(*) FROM files f WHERE f.message_id = m.id) AS weight "
                        + "FROM path JOIN messages m ON m.id = path.id ORDER BY path.depth")
                .bind("start", endId)
                .bind("conversation", conversationId)
                .bind("steps", limit + 1)
                .map((rs, ctx) -> new String[] {rs.getString(1), Long.toString(rs.getLong(2))})
                .list();
        List<String> ids = new ArrayList<>();
        long weight = 0;
        for (String[] row : sizes) {
            long w = Long.parseLong(row[1]);
            if (ids.size() == limit || (!ids.isEmpty() && weight + w > maxWeight)) {
                break;
            }
            ids.add(row[0]);
            weight += w;
        }
        List<Message> chosen = messagesWithIds(h, conversationId, ids);
        // The stored sizes do not see JSON escaping: weigh what was read as it will be written, and
        // leave out the oldest of it when that is heavier (the newest message always stays).
        int from = chosen.size();
        long written = 0;
        while (from > 0) {
            Message m = chosen.get(from - 1);
            long w = JsonSize.of(m.content())
                    + JsonSize.of(m.error())
                    + MESSAGE_ALLOWANCE
                    + (long) FILE_ALLOWANCE * m.files().size();
            if (from < chosen.size() && written + w > maxWeight) {
                break;
            }
            written += w;
            from--;
        }
        return new MessagePage(chosen.subList(from, chosen.size()), from > 0 || ids.size() < sizes.size());
    }

    /**
     * The walk from the message {@code :start} of {@code :conversation} up to the root by
     * {@code parent_id}, at most {@code :steps} messages: rows (id, depth), depth 1 being the start.
     */
    private static final String PATH_UP = "WITH RECURSIVE path (id, parent_id, depth) AS ("
            + "SELECT id, parent_id, 1 FROM messages WHERE id = :start AND conversation_id = :conversation "
            + "UNION ALL SELECT m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path ON m.id = path.parent_id "
            + "WHERE path.depth < :steps) ";

    /** These messages of the conversation with their files and versions, oldest first. */
    private List<Message> messagesWithIds(Handle h, String conversationId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Message> bare = h.createQuery("SELECT " + MESSAGE_COLUMNS
                        + " FROM messages WHERE conversation_id = :conversation AND id IN (<ids>) ORDER BY position")
                .bind("conversation", conversationId)
                .bindList("ids", ids)
                .map((rs, ctx) -> message(rs))
                .list();
        Map<String, List<FileInfo>> filesByMessage =
                files.forMessages(h, bare.stream().map(Message::id).toList());
        Map<String, List<String>> versions = siblings(h, conversationId, bare);
        return bare.stream()
                .map(m -> m.with(
                        filesByMessage.getOrDefault(m.id(), List.of()),
                        versions.getOrDefault(versionKey(m.parentId(), m.role()), List.of(m.id()))))
                .toList();
    }

    /**
     * The versions of these messages: for each (parent, role) among them, the ids of every message
     * of the conversation with that parent and role, oldest first (one indexed query, and one
     * more for first messages, whose parent is null).
     */
    private static Map<String, List<String>> siblings(Handle h, String conversationId, List<Message> messages) {
        Map<String, List<String>> out = new java.util.HashMap<>();
        List<String> parents = messages.stream()
                .map(Message::parentId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList();
        boolean roots = messages.stream().anyMatch(m -> m.parentId() == null);
        List<String[]> rows = new ArrayList<>();
        if (!parents.isEmpty()) {
            rows.addAll(h.createQuery("SELECT id, parent_id, role FROM messages WHERE conversation_id = :conversation "
                            + "AND parent_id IN (<parents>) ORDER BY position")
                    .bind("conversation", conversationId)
                    .bindList("parents", parents)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                    .list());
        }
        if (roots) {
            rows.addAll(h.createQuery("SELECT id, parent_id, role FROM messages WHERE conversation_id = :conversation "
                            + "AND parent_id IS NULL ORDER BY position")
                    .bind("conversation", conversationId)
                    .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})
                    .list());
        }
        for (String[] row : rows) {
            out.computeIfAbsent(versionKey(row[1], row[2]), k -> new ArrayList<>())
                    .add(row[0]);
        }
        return out;
    }

    private static String versionKey(String parentId, String role) {
        return (parentId == null ? "" : parentId) + " " + role;
    }

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
        // The title is set by a statement of its own, only while there is none: naming `title` in
        // this UPDATE fired the search index's title trigger (a delete and an insert in
        // conversations_fts) on every send (issue 15).
        Optional<Map.Entry<Reserved, Boolean>> row = h.createQuery(
                        "UPDATE conversations SET message_count = message_count + :count, updated_at = :now, "
                                + "lane = COALESCE(:lane, lane) WHERE id = :id AND user_id = :user "
                                + "RETURNING message_count, leaf_id, lane, title IS NULL")
                .bind("count", count)
                .bind("lane", namedLane)
                .bind("now", Timestamps.format(now))
                .bind("id", conversationId)
                .bind("user", userId)
                .map((rs, ctx) -> Map.entry(
                        new Reserved(rs.getLong(1) - count + 1, rs.getString(2), rs.getString(3)), rs.getBoolean(4)))
                .findOne();
        if (row.isPresent() && row.get().getValue() && firstContent != null) {
            h.createUpdate("UPDATE conversations SET title = :title WHERE id = :id AND title IS NULL")
                    .bind("title", autoTitle(firstContent))
                    .bind("id", conversationId)
                    .execute();
        }
        return row.map(Map.Entry::getKey);
    }

    /** Makes {@code leafId} the last message of the conversation's chosen path. */
    public void setLeaf(Handle h, String conversationId, String leafId) {
        h.createUpdate("UPDATE conversations SET leaf_id = :leaf WHERE id = :id")
                .bind("leaf", leafId)
                .bind("id", conversationId)
                .execute();
    }

    /** A message of a conversation as the tree's operations need it (no files, no versions). */
    public Optional<Message> findMessage(Handle h, String conversationId, String messageId) {
        return h.createQuery("SELECT " + MESSAGE_COLUMNS
                        + " FROM messages WHERE id = :id AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .map((rs, ctx) -> message(rs))
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

    /**
     * The end of the path through {@code messageId} continued by the newest child at each step
     * (one recursive query; each step is served by the index on (conversation_id, parent_id,
     * position)).
     */
    public String newestLeafBelow(Handle h, String conversationId, String messageId) {
        return h.createQuery("WITH RECURSIVE down (id, depth) AS (SELECT CAST(:start AS TEXT), 0 "
                        + "UNION ALL SELECT (SELECT c.id FROM messages c WHERE c.conversation_id = :conversation "
                        + "AND c.parent_id = down.id ORDER BY c.position DESC LIMIT 1), down.depth + 1 "
                        + "FROM down WHERE down.id IS NOT NULL) "
                        + "SELECT id FROM down WHERE id IS NOT NULL ORDER BY depth DESC LIMIT 1")
                .bind("start", messageId)
                .bind("conversation", conversationId)
                .mapTo(String.class)
                .one();
    }

    public void insertMessage(Handle h, Message m, String conversationId, long position) {
        bindMessage(h.createUpdate(INSERT_MESSAGE), m, conversationId, position).execute();
    }

    /**
     * Inserts {@code messages} at positions 1, 2, … of a new conversation, as one batch (an import);
     * each names its parent (a parent comes before its children).
     */
    public void insertMessages(Handle h, String conversationId, List<Message> messages) {
        PreparedBatch batch = h.prepareBatch(INSERT_MESSAGE);
        long position = 0;
        for (Message m : messages) {
            bindMessage(batch, m, conversationId, ++position).add();
        }
        if (!messages.isEmpty()) {
            batch.execute();
        }
    }

    /**
     * Inserts a send's two messages (its user message at {@code position}, the answer right after)
     * in one statement: one execution fewer per send on the write path (issue 15).
     */
    public void insertMessagePair(Handle h, String conversationId, Message first, Message second, long position) {
        bindMessage(
                        bindMessage(h.createUpdate(INSERT_MESSAGE_PAIR), "", first, conversationId, position),
                        "2",
                        second,
                        conversationId,
                        position + 1)
                .execute();
    }

    private static final String INSERT_MESSAGE_PAIR =
            "INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                    + "cost_usd, error, created_at, parent_id) VALUES (:id, :conversation, :position, :role, :content, "
                    + ":status, :task, :lane, :model, :cost, :error, :created, :parent), (:id2, :conversation2, "
                    + ":position2, :role2, :content2, :status2, :task2, :lane2, :model2, :cost2, :error2, :created2, "
                    + ":parent2)";

    private static final String INSERT_MESSAGE =
            "INSERT INTO messages (id, conversation_id, position, role, content, status, task_id, lane, model, "
                    + "cost_usd, error, created_at, parent_id) VALUES (:id, :conversation, :position, :role, :content, "
                    + ":status, :task, :lane, :model, :cost, :error, :created, :parent)";

    private static final String MESSAGE_COLUMNS =
            "id, role, content, status, task_id, lane, model, cost_usd, error, created_at, parent_id";

    private static <S extends SqlStatement<S>> S bindMessage(
            S statement, Message m, String conversationId, long position) {
        return bindMessage(statement, "", m, conversationId, position);
    }

    /** Binds a message's values to the names of {@link #INSERT_MESSAGE}, each followed by {@code suffix}. */
    private static <S extends SqlStatement<S>> S bindMessage(
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

    /** Sets the status of an answer that is still pending. */
    public void setPendingStatus(Handle h, String messageId, String status) {
        h.createUpdate("UPDATE messages SET status = :status WHERE id = :id")
                .bind("status", status)
                .bind("id", messageId)
                .execute();
    }

    /**
     * Fills an answer with its result and adds its cost to the conversation. An answer without a
     * cost changes nothing the conversation list shows, so it leaves the conversation's row alone
     * (issue 15: one {@code conversations} update per task, the submit's).
     */
    public void complete(
            Handle h,
            String conversationId,
            String messageId,
            String content,
            String model,
            double costUsd,
            Instant now) {
        h.createUpdate(
                        "UPDATE messages SET content = :content, model = :model, cost_usd = :cost, status = 'completed', "
                                + "error = NULL WHERE id = :id")
                .bind("content", content)
                .bind("model", model)
                .bind("cost", costUsd)
                .bind("id", messageId)
                .execute();
        if (costUsd == 0) {
            return;
        }
        h.createUpdate(
                        "UPDATE conversations SET updated_at = :now, total_cost_usd = total_cost_usd + :cost WHERE id = :id")
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

    /** Deletes the conversation's messages and the conversation; files and tasks go first (see the callers). */
    public void delete(Handle h, String conversationId) {
        h.createUpdate("DELETE FROM messages WHERE conversation_id = :id")
                .bind("id", conversationId)
                .execute();
        h.createUpdate("DELETE FROM conversations WHERE id = :id")
                .bind("id", conversationId)
                .execute();
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
        List<String[]> sizes = h.createQuery(PATH_UP + "SELECT m.id, octet_length(m.content) FROM path "
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
        return new Conversation(
                rs.getString("id"),
                title == null ? UNTITLED : title,
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
    private static String unreadCount(String conversationId, String readPosition) {
        return "(SELECT COUNT(*) FROM messages u WHERE u.conversation_id = " + conversationId
                + " AND u.role = 'assistant' AND u.status IN ('completed', 'failed') AND u.position > " + readPosition
                + ")";
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
        return Optional.of(
                h.createQuery("SELECT " + unreadCount(":id", "read_position") + " FROM conversations WHERE id = :id")
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

    private static Message message(ResultSet rs) throws SQLException {
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
