package dev.lanechat.server.transfer;

import java.time.Instant;
import java.util.List;

/**
 * A conversation read from an import file, checked and ready to store (ids are made on insert).
 * It is a tree (issue 18): each message names its parent by {@code key} (the file's own ids, or
 * made up), a parent always before its children; {@code leafKey} is the chosen path's last
 * message (null when there are no messages). {@code lane} and {@code systemPrompt}: its settings
 * (protocol.md E15), null when the file has none.
 */
record ImportedConversation(
        String title,
        Instant createdAt,
        Instant updatedAt,
        List<Message> messages,
        String leafKey,
        String lane,
        String systemPrompt) {

    /** One message, parents first; {@code status} is completed or failed; {@code parentKey} null for a first message. */
    record Message(
            String role,
            String content,
            String status,
            String model,
            Double costUsd,
            String error,
            Instant createdAt,
            String key,
            String parentKey) {}

    double totalCostUsd() {
        return messages.stream()
                .mapToDouble(m -> m.costUsd() == null ? 0 : m.costUsd())
                .sum();
    }
}
