// Wire object: a conversation, with its messages when fetched one by one.
package dev.lanechat.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A conversation. {@link #messages()} is filled only by {@link LanechatClient#conversation};
 * lists and creation leave it empty.
 *
 * @param id the conversation id
 * @param title its title, possibly null
 * @param createdAt when it was created
 * @param updatedAt when it was last active
 * @param messageCount how many messages it has, pending ones included
 * @param totalCostUsd the summed cost of its answers
 * @param messages its messages, oldest first: those of the chosen path (protocol E12)
 * @param leafId the last message of the chosen path, null when empty (or from older servers)
 */
public record Conversation(
        String id,
        String title,
        Instant createdAt,
        Instant updatedAt,
        long messageCount,
        BigDecimal totalCostUsd,
        List<Message> messages,
        String leafId) {
    /** Normalises a missing message list to an empty one. */
    public Conversation {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }
}
