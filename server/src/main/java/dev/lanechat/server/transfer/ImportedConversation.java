package dev.lanechat.server.transfer;

import java.time.Instant;
import java.util.List;

/**
 * A conversation read from an import file, checked and ready to store (ids are made on insert).
 * {@code lane} and {@code systemPrompt}: its settings (protocol.md E15), null when the file has none.
 */
record ImportedConversation(
        String title, Instant createdAt, Instant updatedAt, List<Message> messages, String lane, String systemPrompt) {

    /** One message, oldest first; {@code status} is completed or failed. */
    record Message(
            String role,
            String content,
            String status,
            String model,
            Double costUsd,
            String error,
            Instant createdAt) {}

    double totalCostUsd() {
        return messages.stream()
                .mapToDouble(m -> m.costUsd() == null ? 0 : m.costUsd())
                .sum();
    }
}
