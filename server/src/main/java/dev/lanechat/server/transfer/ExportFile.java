package dev.lanechat.server.transfer;

import dev.lanechat.server.files.FileInfo;
import java.util.List;

/**
 * Lanechat's own export format, version 1 (wire objects; protocol.md E9 documents them): every
 * message of every exported conversation, oldest first (a parent before its children), with
 * references to its files (their metadata and download URL; the bytes stay on the server), every
 * branch with its {@code parent_id} and the chosen path's {@code leaf_id} (E12). {@link
 * ImportService} reads it back.
 */
public record ExportFile(String format, int version, String exportedAt, List<ExportConversation> conversations) {
    public static final String FORMAT = "lanechat";
    public static final int VERSION = 1;

    public record ExportConversation(
            String id,
            String title,
            String createdAt,
            String updatedAt,
            double totalCostUsd,
            String leafId,
            String lane,
            String systemPrompt,
            List<ExportMessage> messages) {}

    public record ExportMessage(
            String id,
            String role,
            String content,
            String status,
            String lane,
            String model,
            Double costUsd,
            String error,
            String createdAt,
            List<FileInfo> files,
            String parentId) {}
}
