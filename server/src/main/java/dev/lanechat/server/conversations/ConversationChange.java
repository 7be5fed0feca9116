package dev.lanechat.server.conversations;

/**
 * What a {@code PATCH /api/conversations/{id}} changes (protocol.md E15): the fields it names.
 *
 * @param title null: unchanged
 * @param setsLane whether {@code lane} is set (null then means the server's default)
 * @param setsSystemPrompt whether {@code systemPrompt} is set (null then means none)
 */
public record ConversationChange(
        String title, boolean setsLane, String lane, boolean setsSystemPrompt, String systemPrompt) {}
