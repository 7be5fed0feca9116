package dev.lanechat.server.transfer;

import static dev.lanechat.server.transfer.ImportCheck.wrong;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.conversations.ConversationSettings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads Lanechat's own export ({@link ExportFile}, version 1) for import. */
final class LanechatFormat {
    private static final Set<String> ROLES = Set.of("user", "assistant");
    private static final Set<String> STATUSES = Set.of("completed", "failed");

    private LanechatFormat() {}

    static boolean recognises(JsonNode root) {
        return root.isObject() && ExportFile.FORMAT.equals(root.path("format").asText(null));
    }

    static List<ImportedConversation> read(JsonNode root, Instant now) {
        if (root.path("version").asInt(-1) != ExportFile.VERSION) {
            throw wrong(
                    "version",
                    "must be " + ExportFile.VERSION + " (this server reads version " + ExportFile.VERSION
                            + " of the Lanechat format)");
        }
        JsonNode items = ImportCheck.array(root, "conversations", "the file", ImportCheck.MAX_CONVERSATIONS);
        List<ImportedConversation> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(conversation(items.get(i), "conversations[" + i + "]", now));
        }
        return out;
    }

    private static ImportedConversation conversation(JsonNode c, String where, Instant now) {
        if (!c.isObject()) {
            throw wrong(where, "must be an object");
        }
        Instant created = ImportCheck.instant(c, "created_at", where, now);
        JsonNode items = ImportCheck.array(c, "messages", where, ImportCheck.MAX_MESSAGES);
        List<ImportedConversation.Message> messages = new ArrayList<>(items.size());
        java.util.Set<String> keys = new java.util.HashSet<>();
        String previous = null;
        for (int i = 0; i < items.size(); i++) {
            String at = where + ".messages[" + i + "]";
            ImportedConversation.Message m = message(items.get(i), at, created, i, previous, keys);
            messages.add(m);
            keys.add(m.key());
            previous = m.key();
        }
        // The chosen path's end: "leaf_id" (E12), or the last message (a file without branches).
        String leaf = ImportCheck.optionalText(c, "leaf_id", where);
        if (leaf == null) {
            leaf = previous;
        } else if (!keys.contains(leaf)) {
            throw wrong(where + ".leaf_id", "must be the id of one of its messages");
        }
        Instant updated = ImportCheck.instant(
                c,
                "updated_at",
                where,
                messages.isEmpty() ? created : messages.get(messages.size() - 1).createdAt());
        return new ImportedConversation(
                ImportCheck.title(ImportCheck.optionalText(c, "title", where)),
                created,
                updated,
                messages,
                leaf,
                lane(c, where),
                systemPrompt(c, where));
    }

    /** The conversation's lane, kept as written (a lane this server lacks reads as unavailable); blank is none. */
    private static String lane(JsonNode c, String where) {
        String lane = ImportCheck.optionalText(c, "lane", where);
        return lane == null || lane.isBlank() ? null : lane;
    }

    /** The conversation's system prompt: absent, null or blank is none; over 8 KiB of UTF-8 is refused. */
    private static String systemPrompt(JsonNode c, String where) {
        String prompt = ImportCheck.optionalText(c, "system_prompt", where);
        if (prompt == null || prompt.isBlank()) {
            return null;
        }
        if (prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > ConversationSettings.MAX_SYSTEM_PROMPT_BYTES) {
            throw wrong(
                    where + ".system_prompt",
                    "is over " + ConversationSettings.MAX_SYSTEM_PROMPT_BYTES / 1024 + " KiB of UTF-8");
        }
        return prompt;
    }

    /**
     * The message {@code index} of a conversation. Its key is its "id" (unique in the
     * conversation), else one made of its index; its parent is its "parent_id" (null: a first
     * message; else the id of an earlier message), or without that field the message before it
     * (a file written before branches, or by hand: a chain).
     */
    private static ImportedConversation.Message message(
            JsonNode m, String where, Instant fallback, int index, String previous, java.util.Set<String> keys) {
        if (!m.isObject()) {
            throw wrong(where, "must be an object");
        }
        String key = ImportCheck.optionalText(m, "id", where);
        if (key == null) {
            key = "#" + index;
        } else if (keys.contains(key)) {
            throw wrong(where + ".id", "is the id of an earlier message too");
        }
        String parent = previous;
        if (m.has("parent_id")) {
            parent = ImportCheck.optionalText(m, "parent_id", where);
            if (parent != null && !keys.contains(parent)) {
                throw wrong(where + ".parent_id", "must be null or the id of an earlier message of the conversation");
            }
        }
        String role = ImportCheck.optionalText(m, "role", where);
        if (role == null || !ROLES.contains(role)) {
            throw wrong(where + ".role", "must be \"user\" or \"assistant\"");
        }
        String content = ImportCheck.optionalText(m, "content", where);
        if (content == null) {
            throw wrong(where + ".content", "must be a string");
        }
        String status = ImportCheck.optionalText(m, "status", where);
        if (status == null) {
            status = "completed";
        } else if (!STATUSES.contains(status)) {
            // Unfinished answers are not imported as running: nothing would ever finish them.
            status = "failed";
        }
        JsonNode cost = m.get("cost_usd");
        if (cost != null && !cost.isNull() && (!cost.isNumber() || cost.asDouble() < 0)) {
            throw wrong(where + ".cost_usd", "must be a non-negative number");
        }
        String error = ImportCheck.optionalText(m, "error", where);
        if ("failed".equals(status) && error == null) {
            error = "not finished when exported";
        }
        return new ImportedConversation.Message(
                role,
                ImportCheck.content(content, where + ".content"),
                status,
                ImportCheck.optionalText(m, "model", where),
                cost == null || cost.isNull() ? null : cost.asDouble(),
                error,
                ImportCheck.instant(m, "created_at", where, fallback),
                key,
                parent);
    }
}
