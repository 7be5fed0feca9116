package dev.lanechat.server.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.Conversation;
import dev.lanechat.server.conversations.ConversationRows;
import dev.lanechat.server.conversations.Message;
import dev.lanechat.server.store.TimeOrderedIds;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings conversations in from a file: Lanechat's own export ({@link LanechatFormat}) or ChatGPT's
 * {@code conversations.json} ({@link ChatGptFormat}). All or nothing per file: the whole file is
 * checked before anything is written (an error names the place in the file), then every
 * conversation is written in one transaction, owned by the importer, with new ids, read through
 * (no unread badge for history), every branch kept with its chosen path (issue 18). Files of a
 * Lanechat export are references only and are not brought back.
 */
public final class ImportService {
    /** The largest file accepted. */
    public static final int MAX_BYTES = 32 * 1024 * 1024;

    private static final int PROGRESS_EVERY = 250;
    private static final Logger log = LoggerFactory.getLogger(ImportService.class);

    private final Jdbi jdbi;
    private final ConversationRows conversations;
    private final Clock clock;

    public ImportService(Jdbi jdbi, ConversationRows conversations, Clock clock) {
        this.jdbi = jdbi;
        this.conversations = conversations;
        this.clock = clock;
    }

    /** What an import made: the format read, and the new conversations (id and title) in file order. */
    public record Imported(String format, List<Made> conversations) {
        public record Made(String id, String title, long messageCount) {}
    }

    public Imported importFile(String userId, JsonNode root) {
        Instant now = clock.instant();
        String format;
        List<ImportedConversation> parsed;
        if (LanechatFormat.recognises(root)) {
            format = ExportFile.FORMAT;
            parsed = LanechatFormat.read(root, now);
        } else if (ChatGptFormat.recognises(root)) {
            format = "chatgpt";
            parsed = ChatGptFormat.read(root, now);
        } else {
            throw Rejection.invalid("The file is neither a Lanechat export ({\"format\":\"lanechat\",…}) nor ChatGPT's"
                    + " conversations.json (an array of conversations with \"mapping\"). Nothing was imported.");
        }
        List<Imported.Made> made = jdbi.inTransaction(h -> {
            List<Imported.Made> out = new ArrayList<>(parsed.size());
            for (ImportedConversation c : parsed) {
                String id = TimeOrderedIds.next();
                conversations.insert(h, id, userId, c.title(), c.lane(), c.systemPrompt(), now);
                java.util.Map<String, String> ids = new java.util.HashMap<>();
                for (ImportedConversation.Message m : c.messages()) {
                    ids.put(m.key(), TimeOrderedIds.next());
                }
                List<Message> messages = c.messages().stream()
                        .map(m -> new Message(
                                ids.get(m.key()),
                                m.role(),
                                m.content(),
                                m.status(),
                                null,
                                null,
                                m.model(),
                                m.costUsd(),
                                List.of(),
                                m.error(),
                                Timestamps.format(m.createdAt()),
                                m.parentKey() == null ? null : ids.get(m.parentKey()),
                                List.of()))
                        .toList();
                conversations.insertMessages(h, id, messages);
                conversations.finishImport(
                        h,
                        id,
                        c.createdAt(),
                        c.updatedAt(),
                        messages.size(),
                        c.totalCostUsd(),
                        c.leafKey() == null ? null : ids.get(c.leafKey()));
                out.add(new Imported.Made(id, c.title() == null ? Conversation.UNTITLED : c.title(), messages.size()));
                if (out.size() % PROGRESS_EVERY == 0) {
                    log.info("Import for user {}: {} of {} conversations written", userId, out.size(), parsed.size());
                }
            }
            return out;
        });
        log.info("Import for user {}: {} conversations from a {} file", userId, made.size(), format);
        return new Imported(format, made);
    }
}
