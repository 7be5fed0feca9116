package dev.lanechat.server.tasks;

import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.ProcessorInput;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/** What the processor of a claimed task reads: its message, the files on it and the conversation before it. */
public final class ProcessorInputs {
    private final Jdbi jdbi;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final int historyMessages;
    private final int historyBytes;

    ProcessorInputs(
            Jdbi jdbi,
            ConversationRepository conversations,
            FileRepository files,
            int historyMessages,
            int historyBytes) {
        this.jdbi = jdbi;
        this.conversations = conversations;
        this.files = files;
        this.historyMessages = historyMessages;
        this.historyBytes = historyBytes;
    }

    /**
     * What the processor of a claimed task answers: its message and the conversation before it,
     * bounded: with the message, at most the newest {@code historyMessages} messages and
     * {@code historyBytes} of content (the oldest are left out; the message itself always goes).
     * Without {@code withHistory} (a lane that does not read it), the message alone. With it, also
     * the conversation's system prompt as it is now (protocol.md E15).
     */
    public ProcessorInput inputOf(Claim claim, boolean withHistory) {
        if (!withHistory) {
            String content = jdbi.withHandle(
                            h -> conversations.messageAnswered(h, claim.conversationId(), claim.messageId()))
                    .orElse("");
            return new ProcessorInput(claim.taskId(), content, List.of(), null, attachmentsOf(claim));
        }
        List<ProcessorInput.Attachment> attachments = attachmentsOf(claim);
        return jdbi.withHandle(h -> {
            List<Map.Entry<String, String>> turns =
                    conversations.history(h, claim.conversationId(), claim.messageId(), historyMessages, historyBytes);
            List<ProcessorInput.Turn> history = turns.stream()
                    .map(e -> new ProcessorInput.Turn(e.getKey(), e.getValue()))
                    .toList();
            // The last turn is the user's message this task answers.
            String content =
                    history.isEmpty() ? "" : history.get(history.size() - 1).content();
            String systemPrompt =
                    conversations.systemPromptOf(h, claim.conversationId()).orElse(null);
            return new ProcessorInput(
                    claim.taskId(),
                    content,
                    history.subList(0, Math.max(0, history.size() - 1)),
                    systemPrompt,
                    attachments);
        });
    }

    /** The files attached to the message a claimed task answers, with their bytes (E14). */
    private List<ProcessorInput.Attachment> attachmentsOf(Claim claim) {
        return jdbi.withHandle(h -> conversations
                .messageAnsweredId(h, claim.conversationId(), claim.messageId())
                .map(id -> files.withData(h, id).stream()
                        .map(f -> new ProcessorInput.Attachment(
                                f.info().id(),
                                f.info().name(),
                                f.info().contentType(),
                                f.info().size(),
                                f.info().kind(),
                                "/api/tasks/" + claim.taskId() + "/files/"
                                        + f.info().id(),
                                f.data()))
                        .toList())
                .orElse(List.of()));
    }
}
