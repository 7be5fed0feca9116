package dev.lanechat.server.files;

import dev.lanechat.server.store.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The files table. Files are stored with the data (in the database) and belong to one message. */
public final class FileRepository {
    private final Jdbi jdbi;

    public FileRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Stores {@code files} for a message in {@code handle}'s transaction and returns how the API shows them. */
    public List<FileInfo> insert(Handle handle, String userId, String messageId, List<NewFile> files, Instant now) {
        List<FileInfo> stored = new ArrayList<>();
        for (NewFile file : files) {
            String id = UUID.randomUUID().toString();
            handle.createUpdate(
                            "INSERT INTO files (id, user_id, message_id, name, content_type, size, data, created_at) "
                                    + "VALUES (:id, :user, :message, :name, :type, :size, :data, :now)")
                    .bind("id", id)
                    .bind("user", userId)
                    .bind("message", messageId)
                    .bind("name", file.name())
                    .bind("type", file.contentType())
                    .bind("size", (long) file.data().length)
                    .bind("data", file.data())
                    .bind("now", Timestamps.format(now))
                    .execute();
            stored.add(FileInfo.of(id, file.name(), file.data().length, file.contentType()));
        }
        return stored;
    }

    /** The files of each of {@code messageIds}, in the order they were stored. */
    public Map<String, List<FileInfo>> forMessages(Handle handle, Collection<String> messageIds) {
        Map<String, List<FileInfo>> byMessage = new LinkedHashMap<>();
        if (messageIds.isEmpty()) {
            return byMessage;
        }
        handle.createQuery("SELECT id, message_id, name, size, content_type FROM files "
                        + "WHERE message_id IN (<ids>) ORDER BY created_at, id")
                .bindList("ids", List.copyOf(messageIds))
                .map((rs, ctx) -> Map.entry(
                        rs.getString("message_id"),
                        FileInfo.of(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getLong("size"),
                                rs.getString("content_type"))))
                .forEach(e -> byMessage
                        .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                        .add(e.getValue()));
        return byMessage;
    }

    /** The file with its bytes, if it exists and belongs to {@code userId}. */
    public Optional<StoredFile> find(String userId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT id, name, size, content_type, data FROM files WHERE id = :id AND user_id = :user")
                .bind("id", fileId)
                .bind("user", userId)
                .map((rs, ctx) -> new StoredFile(
                        FileInfo.of(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getLong("size"),
                                rs.getString("content_type")),
                        rs.getBytes("data")))
                .findOne());
    }

    /** Deletes the files of a conversation's messages, in {@code handle}'s transaction. */
    public void deleteForConversation(Handle handle, String conversationId) {
        handle.createUpdate("DELETE FROM files WHERE message_id IN "
                        + "(SELECT id FROM messages WHERE conversation_id = :conversation)")
                .bind("conversation", conversationId)
                .execute();
    }
}
