package dev.lanechat.server.files;

import dev.lanechat.server.Rejection;
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

/**
 * The files table. Files are stored with the data (in the database) and belong to one message; an
 * upload (protocol.md E14) belongs to none until a send attaches it ({@code message_id} NULL).
 */
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

    /** Stores an upload that no message holds yet; returns how the API shows it. */
    public FileInfo insertUpload(String userId, String name, String contentType, byte[] data, Instant now) {
        String id = UUID.randomUUID().toString();
        jdbi.useHandle(h -> h.createUpdate(
                        "INSERT INTO files (id, user_id, message_id, name, content_type, size, data, created_at) "
                                + "VALUES (:id, :user, NULL, :name, :type, :size, :data, :now)")
                .bind("id", id)
                .bind("user", userId)
                .bind("name", name)
                .bind("type", contentType)
                .bind("size", (long) data.length)
                .bind("data", data)
                .bind("now", Timestamps.format(now))
                .execute());
        return FileInfo.of(id, name, data.length, contentType);
    }

    /**
     * Attaches the uploads {@code uploadIds} of {@code userId} to {@code messageId}, in
     * {@code handle}'s transaction, in the order given. An id that is no upload of this user is a 400;
     * one already attached to a message is a 409 (an upload is used once). The files keep the
     * order of {@code uploadIds}.
     */
    public List<FileInfo> attach(Handle handle, String userId, String messageId, List<String> uploadIds, Instant now) {
        if (uploadIds.isEmpty()) {
            return List.of();
        }
        Map<String, FileInfo> found = new LinkedHashMap<>();
        Map<String, Boolean> attached = new LinkedHashMap<>();
        handle.createQuery("SELECT id, message_id, name, size, content_type FROM files "
                        + "WHERE id IN (<ids>) AND user_id = :user")
                .bindList("ids", uploadIds)
                .bind("user", userId)
                .map((rs, ctx) -> {
                    attached.put(rs.getString("id"), rs.getString("message_id") != null);
                    return FileInfo.of(
                            rs.getString("id"), rs.getString("name"), rs.getLong("size"), rs.getString("content_type"));
                })
                .forEach(f -> found.put(f.id(), f));
        List<FileInfo> list = new ArrayList<>();
        for (String id : uploadIds) {
            FileInfo file = found.get(id);
            if (file == null) {
                throw Rejection.invalid("No upload with id '" + id + "': upload the file first (POST /api/uploads).");
            }
            if (attached.get(id)) {
                throw Rejection.conflict(
                        "The upload '" + file.name() + "' is already attached to a message; upload it again.");
            }
            list.add(file);
        }
        // created_at becomes the attach time, a microsecond apart in the send's order: the message
        // lists its files (and a lane reads them) in the order the user gave, not the uploads'.
        int updated = 0;
        for (int i = 0; i < uploadIds.size(); i++) {
            updated += handle.createUpdate("UPDATE files SET message_id = :message, created_at = :at "
                            + "WHERE id = :id AND user_id = :user AND message_id IS NULL")
                    .bind("message", messageId)
                    .bind("at", Timestamps.format(now.plusNanos(1000L * i)))
                    .bind("id", uploadIds.get(i))
                    .bind("user", userId)
                    .execute();
        }
        if (updated != uploadIds.size()) {
            throw Rejection.conflict("An upload was attached to another message meanwhile; upload it again.");
        }
        return list;
    }

    /** The files of one message with their bytes, in the order they were stored. */
    public List<StoredFile> withData(Handle handle, String messageId) {
        return handle.createQuery("SELECT id, name, size, content_type, data FROM files "
                        + "WHERE message_id = :message ORDER BY created_at, id")
                .bind("message", messageId)
                .map((rs, ctx) -> new StoredFile(
                        FileInfo.of(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getLong("size"),
                                rs.getString("content_type")),
                        rs.getBytes("data")))
                .list();
    }

    /** The file {@code fileId} with its bytes, if it belongs to {@code messageId}. */
    public Optional<StoredFile> findOnMessage(String messageId, String fileId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name, size, content_type, data FROM files "
                        + "WHERE id = :id AND message_id = :message")
                .bind("id", fileId)
                .bind("message", messageId)
                .map((rs, ctx) -> new StoredFile(
                        FileInfo.of(
                                rs.getString("id"),
                                rs.getString("name"),
                                rs.getLong("size"),
                                rs.getString("content_type")),
                        rs.getBytes("data")))
                .findOne());
    }

    /** Deletes uploads never attached to a message and stored before {@code cutoff}; how many. */
    public int deleteUnattachedBefore(Instant cutoff) {
        return jdbi.withHandle(
                h -> h.createUpdate("DELETE FROM files WHERE message_id IS NULL AND created_at < :cutoff")
                        .bind("cutoff", Timestamps.format(cutoff))
                        .execute());
    }

    /** How many uploads of {@code userId} no message holds. */
    public int unattachedCount(String userId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM files WHERE message_id IS NULL AND user_id = :user")
                        .bind("user", userId)
                        .mapTo(Integer.class)
                        .one());
    }
}
