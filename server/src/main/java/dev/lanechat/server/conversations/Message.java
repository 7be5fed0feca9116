package dev.lanechat.server.conversations;

import dev.lanechat.server.files.FileInfo;
import java.util.List;

/**
 * A message as the API shows it. An assistant message is the answer a task fills: {@code content}
 * is "" until then; {@code status} follows the task. A user message is {@code completed} at once.
 */
public record Message(
        String id,
        String role,
        String content,
        String status,
        String taskId,
        String lane,
        String model,
        Double costUsd,
        List<FileInfo> files,
        String error,
        String createdAt) {}
