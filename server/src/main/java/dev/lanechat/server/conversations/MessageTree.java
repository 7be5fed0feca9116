package dev.lanechat.server.conversations;

import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Reads of a conversation's message tree for the API: a page of a path, the path through a message. */
public final class MessageTree {
    /** What a page of messages counts for each message beyond its content and error (ids, times, names). */
    private static final int MESSAGE_ALLOWANCE = 512;
    /** And for each of its files (the metadata only; the bytes are downloaded apart). */
    private static final int FILE_ALLOWANCE = 512;

    private final FileRepository files;

    public MessageTree(FileRepository files) {
        this.files = files;
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
        List<String[]> sizes = h.createQuery(MessageSql.PATH_UP + "SELECT m.id, octet_length(m.content) "
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

    /** These messages of the conversation with their files and versions, oldest first. */
    private List<Message> messagesWithIds(Handle h, String conversationId, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        List<Message> bare = h.createQuery("SELECT " + MessageSql.MESSAGE_COLUMNS
                        + " FROM messages WHERE conversation_id = :conversation AND id IN (<ids>) ORDER BY position")
                .bind("conversation", conversationId)
                .bindList("ids", ids)
                .map((rs, ctx) -> MessageSql.message(rs))
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
}
