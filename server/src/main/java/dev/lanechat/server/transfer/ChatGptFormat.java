package dev.lanechat.server.transfer;

import static dev.lanechat.server.transfer.ImportCheck.wrong;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads ChatGPT's data export ({@code conversations.json}): an array of conversations, each a
 * tree of nodes in {@code mapping} (id → {@code {message, parent, children}}) with the shown
 * branch ending at {@code current_node}. Lanechat keeps that branch: from {@code current_node}
 * up to the root, the user's and the assistant's text messages (system, tool and hidden
 * messages, and non-text parts such as images, are left out).
 */
final class ChatGptFormat {
    private ChatGptFormat() {}

    static boolean recognises(JsonNode root) {
        return root.isArray() && (root.isEmpty() || root.get(0).has("mapping"));
    }

    static List<ImportedConversation> read(JsonNode root, Instant now) {
        if (root.size() > ImportCheck.MAX_CONVERSATIONS) {
            throw wrong("the file", "has more than " + ImportCheck.MAX_CONVERSATIONS + " conversations");
        }
        List<ImportedConversation> out = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            out.add(conversation(root.get(i), "[" + i + "]", now));
        }
        return out;
    }

    private static ImportedConversation conversation(JsonNode c, String where, Instant now) {
        if (!c.isObject()) {
            throw wrong(where, "must be an object");
        }
        JsonNode mapping = c.get("mapping");
        if (mapping == null || !mapping.isObject()) {
            throw wrong(where + ".mapping", "must be an object of message nodes");
        }
        Instant created = ImportCheck.epochSeconds(c, "create_time", where, now);
        String current = ImportCheck.optionalText(c, "current_node", where);
        if (current == null) {
            throw wrong(where + ".current_node", "must be the id of a node in mapping");
        }
        List<ImportedConversation.Message> messages = new ArrayList<>();
        String id = current;
        int steps = 0;
        while (id != null) {
            JsonNode node = mapping.get(id);
            String at = where + ".mapping[\"" + shortId(id) + "\"]";
            if (node == null || !node.isObject()) {
                throw wrong(at, "is missing (named by current_node or a parent)");
            }
            if (++steps > mapping.size()) {
                throw wrong(where + ".mapping", "has a cycle of parents");
            }
            ImportedConversation.Message message = message(node.get("message"), at + ".message", created);
            if (message != null) {
                messages.add(message);
            }
            id = ImportCheck.optionalText(node, "parent", at);
        }
        if (messages.size() > ImportCheck.MAX_MESSAGES) {
            throw wrong(where, "has more than " + ImportCheck.MAX_MESSAGES + " messages");
        }
        Collections.reverse(messages);
        Instant updated = ImportCheck.epochSeconds(
                c,
                "update_time",
                where,
                messages.isEmpty() ? created : messages.get(messages.size() - 1).createdAt());
        return new ImportedConversation(
                ImportCheck.title(ImportCheck.optionalText(c, "title", where)), created, updated, messages, null, null);
    }

    /** The node's message as a Lanechat message, or null when it is not a shown text turn. */
    private static ImportedConversation.Message message(JsonNode m, String where, Instant fallback) {
        if (m == null || m.isNull()) {
            return null;
        }
        if (!m.isObject()) {
            throw wrong(where, "must be an object or null");
        }
        String role = m.path("author").path("role").asText("");
        if (!role.equals("user") && !role.equals("assistant")) {
            return null;
        }
        if (m.path("metadata").path("is_visually_hidden_from_conversation").asBoolean(false)) {
            return null;
        }
        JsonNode parts = m.path("content").path("parts");
        if (!parts.isArray()) {
            return null; // code, browsing results and other non-text content
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (part.isTextual() && !part.asText().isEmpty()) {
                if (!text.isEmpty()) {
                    text.append("\n\n");
                }
                text.append(part.asText());
            }
        }
        if (text.toString().isBlank()) {
            return null;
        }
        String model = m.path("metadata").path("model_slug").asText(null);
        Instant at = ImportCheck.epochSeconds(m, "create_time", where, fallback);
        return new ImportedConversation.Message(
                role,
                ImportCheck.content(text.toString(), where + ".content"),
                "completed",
                role.equals("assistant") ? model : null,
                null,
                null,
                at);
    }

    private static String shortId(String id) {
        return id.length() <= 40 ? id : id.substring(0, 40) + "…";
    }
}
