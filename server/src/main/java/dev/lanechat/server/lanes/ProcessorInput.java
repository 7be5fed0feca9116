package dev.lanechat.server.lanes;

import java.util.List;

/**
 * What a processor answers: the message and the conversation before it (oldest first).
 *
 * @param systemPrompt the conversation's own system prompt, or null (protocol.md E15): read when
 *     the input is made, so a change applies from the next answer on; never given to lanes that
 *     read no history (the demo)
 */
public record ProcessorInput(String taskId, String content, List<Turn> history, String systemPrompt) {
    /** An input without a system prompt. */
    public ProcessorInput(String taskId, String content, List<Turn> history) {
        this(taskId, content, history, null);
    }

    /** One earlier message: {@code role} is "user" or "assistant". */
    public record Turn(String role, String content) {}
}
