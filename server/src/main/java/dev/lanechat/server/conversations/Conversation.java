package dev.lanechat.server.conversations;

import java.util.function.Predicate;

/**
 * A conversation as the API lists it. {@code unreadCount}: its finished answers after the owner's
 * read marker (see {@link ConversationService#markRead}). {@code leafId}: the last message of the
 * chosen path (issue 18), null while it has none. {@code lane}: the lane a send without
 * {@code "lane"} uses (null: the server's default); {@code systemPrompt}: sent first to openai
 * lanes and in a worker's claim (null: none); {@code laneUnavailable}: the stored lane's name when
 * this server no longer offers it ({@code lane} is then null: sends use the default), else null
 * (protocol.md E15).
 */
public record Conversation(
        String id,
        String title,
        String createdAt,
        String updatedAt,
        long messageCount,
        double totalCostUsd,
        long unreadCount,
        String leafId,
        String lane,
        String systemPrompt,
        String laneUnavailable) {
    /** The title of a conversation that has none yet. */
    public static final String UNTITLED = "New conversation";

    /** This conversation as shown by a server that offers the lanes {@code offered} accepts. */
    Conversation shownWith(Predicate<String> offered) {
        if (lane == null || offered.test(lane)) {
            return this;
        }
        return new Conversation(
                id,
                title,
                createdAt,
                updatedAt,
                messageCount,
                totalCostUsd,
                unreadCount,
                leafId,
                null,
                systemPrompt,
                lane);
    }
}
