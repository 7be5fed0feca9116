package dev.lanechat.server.lanes;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a processor answers: the message and the conversation before it (oldest first), and the
 * files attached to the message (protocol.md E14; empty for none).
 *
 * @param systemPrompt the conversation's own system prompt, or null (protocol.md E15): read when
 *     the input is made, so a change applies from the next answer on; never given to lanes that
 *     read no history (the demo)
 */
public record ProcessorInput(
        String taskId, String content, List<Turn> history, String systemPrompt, List<Attachment> attachments) {
    /** An input without a system prompt. */
    public ProcessorInput(String taskId, String content, List<Turn> history) {
        this(taskId, content, history, null, List.of());
    }

    /** An input without attachments. */
    public ProcessorInput(String taskId, String content, List<Turn> history, String systemPrompt) {
        this(taskId, content, history, systemPrompt, List.of());
    }

    /** One earlier message: {@code role} is "user" or "assistant". */
    public record Turn(String role, String content) {}

    /**
     * A file attached to the message answered, with its bytes. {@code kind} is "text" or "image";
     * {@code url} is where a worker downloads it.
     */
    // The bytes pass through to the model; no Attachment is compared or hashed.
    @SuppressWarnings("ArrayRecordComponent")
    public record Attachment(
            String id, String name, String contentType, long size, String kind, String url, byte[] data) {
        public boolean isImage() {
            return kind.equals("image");
        }
    }

    public ProcessorInput {
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The same input with another history (what {@link ContextWindow#fit} keeps). */
    public ProcessorInput withHistory(List<Turn> kept) {
        return new ProcessorInput(taskId, content, kept, systemPrompt, attachments);
    }

    /** The images attached, in order. */
    public List<Attachment> images() {
        return attachments.stream().filter(Attachment::isImage).toList();
    }

    /**
     * The message as a model is given it: what the user typed, then each attached text file as a
     * fenced block under its name (a fence longer than any run of backticks in the file).
     */
    public String prompt() {
        StringBuilder prompt = new StringBuilder(content);
        for (Attachment file : attachments) {
            if (file.isImage()) {
                continue;
            }
            String text = new String(file.data(), StandardCharsets.UTF_8);
            String fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
            prompt.append("\n\nFile: ").append(file.name()).append('\n');
            prompt.append(fence).append('\n').append(text);
            if (!text.endsWith("\n")) {
                prompt.append('\n');
            }
            prompt.append(fence);
        }
        return prompt.toString();
    }

    private static int longestBacktickRun(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
