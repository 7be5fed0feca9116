package dev.lanechat.server.lanes;

import java.util.List;

/** What a processor answers: the message and the conversation before it (oldest first). */
public record ProcessorInput(String taskId, String content, List<Turn> history) {
    /** One earlier message: {@code role} is "user" or "assistant". */
    public record Turn(String role, String content) {}
}
