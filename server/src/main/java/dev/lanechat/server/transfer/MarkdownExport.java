package dev.lanechat.server.transfer;

import java.util.List;

/**
 * An export as Markdown for people: a heading per conversation (and its system prompt, quoted,
 * when it has one), then each message of its chosen
 * path (root to {@code leaf_id}; other branches are in the JSON export only) under "You" or
 * "Assistant (model)" with its text as written (it is Markdown already), failed answers marked,
 * files as links relative to the server.
 */
public final class MarkdownExport {
    private MarkdownExport() {}

    public static String render(ExportFile export) {
        StringBuilder out = new StringBuilder();
        for (ExportFile.ExportConversation c : export.conversations()) {
            if (!out.isEmpty()) {
                out.append("\n---\n\n");
            }
            out.append("# ")
                    .append(oneLine(c.title() == null ? "New conversation" : c.title()))
                    .append("\n\n");
            out.append("_Started ")
                    .append(c.createdAt())
                    .append(" · cost $")
                    .append(String.format(java.util.Locale.ROOT, "%.4f", c.totalCostUsd()))
                    .append("_\n\n");
            if (c.systemPrompt() != null) {
                out.append("**System prompt:**\n\n");
                c.systemPrompt()
                        .strip()
                        .lines()
                        .forEach(line -> out.append("> ").append(line).append('\n'));
                out.append('\n');
            }
            for (ExportFile.ExportMessage m : chosenPath(c)) {
                message(out, m);
            }
        }
        return out.toString();
    }

    private static void message(StringBuilder out, ExportFile.ExportMessage m) {
        if (m.role().equals("user")) {
            out.append("## You\n\n");
        } else {
            out.append("## Assistant")
                    .append(m.model() == null ? "" : " (" + oneLine(m.model()) + ")")
                    .append("\n\n");
        }
        if ("failed".equals(m.status())) {
            out.append("> **Failed:** ")
                    .append(oneLine(m.error() == null ? "no answer" : m.error()))
                    .append("\n\n");
        }
        if (!m.content().isEmpty()) {
            out.append(m.content().strip()).append("\n\n");
        }
        List<dev.lanechat.server.files.FileInfo> files = m.files();
        for (var f : files) {
            out.append("- [")
                    .append(oneLine(f.name()).replace("]", "\\]"))
                    .append("](")
                    .append(f.url())
                    .append(")\n");
        }
        if (!files.isEmpty()) {
            out.append('\n');
        }
    }

    /** The messages from the root to the conversation's leaf, oldest first. */
    static List<ExportFile.ExportMessage> chosenPath(ExportFile.ExportConversation c) {
        java.util.Map<String, ExportFile.ExportMessage> byId = new java.util.HashMap<>();
        for (ExportFile.ExportMessage m : c.messages()) {
            byId.put(m.id(), m);
        }
        java.util.ArrayList<ExportFile.ExportMessage> path = new java.util.ArrayList<>();
        ExportFile.ExportMessage at = c.leafId() == null ? null : byId.get(c.leafId());
        while (at != null && path.size() <= c.messages().size()) {
            path.add(at);
            at = at.parentId() == null ? null : byId.get(at.parentId());
        }
        java.util.Collections.reverse(path);
        return path;
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }
}
