package dev.lanechat.server.transfer;

import java.time.Instant;
import java.util.List;

/** A conversation read from an import file, checked and ready to store (ids are made on insert). */
record ImportedConversation(String title, Instant createdAt, Instant updatedAt, List<Message> messages) {

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
