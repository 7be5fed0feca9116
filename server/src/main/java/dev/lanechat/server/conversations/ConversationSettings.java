package dev.lanechat.server.conversations;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.lanes.Lanes;
import java.nio.charset.StandardCharsets;

/**
 * What a conversation's settings may be (protocol.md E15): a lane this server offers and a
 * system prompt within its bound; and how a stored lane this server no longer offers is shown.
 */
public final class ConversationSettings {
    /** The longest system prompt a conversation may have, in bytes of UTF-8 (protocol.md E15). */
    public static final int MAX_SYSTEM_PROMPT_BYTES = 8 * 1024;

    private final Lanes lanes;

    /** @param lanes what a conversation's lane is checked against */
    public ConversationSettings(Lanes lanes) {
        this.lanes = lanes;
    }

    /** The conversation as the API shows it: a stored lane this server no longer offers is named apart. */
    Conversation shown(Conversation c) {
        return c.shownWith(name -> lanes.find(name).isPresent());
    }

    void checkLane(String lane) {
        if (lane != null && lanes.find(lane).isEmpty()) {
            throw Rejection.invalid("Unknown lane '" + lane + "'; GET /api/lanes lists the lanes.");
        }
    }

    /** A system prompt as stored: null for none (null, "" or only whitespace), 413 when too long. */
    static String systemPrompt(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_SYSTEM_PROMPT_BYTES) {
            throw Rejection.tooLarge(
                    "\"system_prompt\" is over " + (MAX_SYSTEM_PROMPT_BYTES / 1024) + " KiB of UTF-8.");
        }
        return text;
    }
}
