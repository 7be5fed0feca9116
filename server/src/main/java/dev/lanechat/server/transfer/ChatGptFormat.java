package dev.lanechat.server.transfer;

import static dev.lanechat.server.transfer.ImportCheck.wrong;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads ChatGPT's data export ({@code conversations.json}): an array of conversations, each a
 * tree of nodes in {@code mapping} (id → {@code {message, parent, children}}) with the shown
 * branch ending at {@code current_node}. Lanechat keeps the tree (issue 18): every user's and
 * assistant's text message, under its nearest such ancestor (system, tool and hidden messages,
 * and non-text parts such as images, are left out), with {@code current_node} (or its nearest
 * kept ancestor) as the chosen path's leaf.
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
        // Every node's shown message (or null), checked; each node's parent chain checked for gaps
        // and cycles on the way up from every node.
        Map<String, ImportedConversation.Message> shown = new HashMap<>();
        Map<String, String> parents = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = mapping.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String at = where + ".mapping[\"" + shortId(e.getKey()) + "\"]";
            JsonNode node = e.getValue();
            if (node == null || !node.isObject()) {
                throw wrong(at, "must be an object");
            }
            order.add(e.getKey());
            parents.put(e.getKey(), ImportCheck.optionalText(node, "parent", at));
            ImportedConversation.Message m = message(node.get("message"), at + ".message", created);
            if (m != null) {
                shown.put(e.getKey(), m);
            }
        }
        if (!parents.containsKey(current)) {
            throw wrong(where + ".mapping[\"" + shortId(current) + "\"]", "is missing (named by current_node)");
        }
        if (shown.size() > ImportCheck.MAX_MESSAGES) {
            throw wrong(where, "has more than " + ImportCheck.MAX_MESSAGES + " messages");
        }
        // A shown message's parent is its nearest shown ancestor (system and hidden nodes left out).
        Map<String, String> shownParent = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (String id : order) {
            if (!shown.containsKey(id)) {
                continue;
            }
            String up = nearestShown(parents, shown, parents.get(id), where);
            shownParent.put(id, up);
            (up == null ? roots : children.computeIfAbsent(up, k -> new ArrayList<>())).add(id);
        }
        String leaf = shown.containsKey(current) ? current : nearestShown(parents, shown, parents.get(current), where);
        // Parents before children; brothers oldest first (the newest is then the last, as in Lanechat).
        Comparator<String> byTime = Comparator.comparing(id -> shown.get(id).createdAt());
        List<ImportedConversation.Message> messages = new ArrayList<>(shown.size());
        Deque<String> stack = new ArrayDeque<>();
        roots.sort(byTime.reversed());
        roots.forEach(stack::push);
        while (!stack.isEmpty()) {
            String id = stack.pop();
            ImportedConversation.Message m = shown.get(id);
            messages.add(new ImportedConversation.Message(
                    m.role(),
                    m.content(),
                    m.status(),
                    m.model(),
                    m.costUsd(),
                    m.error(),
                    m.createdAt(),
                    id,
                    shownParent.get(id)));
            List<String> below = children.get(id);
            if (below != null) {
                below.sort(byTime.reversed());
                below.forEach(stack::push);
            }
        }
        if (messages.size() < shown.size()) {
            throw wrong(where + ".mapping", "has a cycle of parents"); // messages no root leads to
        }
        if (leaf == null && !messages.isEmpty()) {
            leaf = messages.get(messages.size() - 1).key(); // current_node above every message: the last one
        }
        Instant updated = ImportCheck.epochSeconds(
                c,
                "update_time",
                where,
                leaf == null ? created : shown.get(leaf).createdAt());
        return new ImportedConversation(
                ImportCheck.title(ImportCheck.optionalText(c, "title", where)),
                created,
                updated,
                messages,
                leaf,
                null,
                null);
    }

    /** The first node from {@code id} up that has a shown message; null at the root. */
    private static String nearestShown(
            Map<String, String> parents, Map<String, ImportedConversation.Message> shown, String id, String where) {
        int steps = 0;
        while (id != null && !shown.containsKey(id)) {
            if (!parents.containsKey(id)) {
                throw wrong(where + ".mapping[\"" + shortId(id) + "\"]", "is missing (named as a parent)");
            }
            if (++steps > parents.size()) {
                throw wrong(where + ".mapping", "has a cycle of parents");
            }
            id = parents.get(id);
        }
        if (id != null && !parents.containsKey(id)) {
            throw wrong(where + ".mapping[\"" + shortId(id) + "\"]", "is missing (named as a parent)");
        }
        return id;
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
                at,
                null,
                null);
    }

    private static String shortId(String id) {
        return id.length() <= 40 ? id : id.substring(0, 40) + "…";
    }
}
