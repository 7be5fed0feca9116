package dev.lanechat.server.transfer;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Takes a user's conversations out: one, or all of them, whole (every message, not a page), in
 * Lanechat's JSON ({@link ExportFile}) or as Markdown ({@link MarkdownExport}). Read in one
 * transaction, so the export is one consistent moment.
 */
public final class ExportService {
    /** File references are read in chunks, under SQLite's limit of bound values per statement. */
    private static final int FILE_CHUNK = 500;

    private final Jdbi jdbi;
    private final FileRepository files;
    private final Clock clock;

    public ExportService(Jdbi jdbi, FileRepository files, Clock clock) {
        this.jdbi = jdbi;
        this.files = files;
        this.clock = clock;
    }

    /**
     * The export of the user's conversations, or of one of them.
     *
     * @param conversationId one conversation of the user's (404 when it is not), or null for all
     */
    public ExportFile export(String userId, String conversationId) {
        return jdbi.inTransaction(h -> {
            Map<String, Draft> drafts = conversations(h, userId, conversationId);
            if (conversationId != null && drafts.isEmpty()) {
                throw Rejection.notFound("conversation");
            }
            List<Row> rows = messages(h, userId, conversationId);
            Map<String, List<FileInfo>> filesByMessage = filesOf(h, rows);
            for (Row r : rows) {
                drafts.get(r.conversationId())
                        .messages()
                        .add(new ExportFile.ExportMessage(
                                r.id(),
                                r.role(),
                                r.content(),
                                r.status(),
                                r.lane(),
                                r.model(),
                                r.costUsd(),
                                r.error(),
                                r.createdAt(),
                                filesByMessage.getOrDefault(r.id(), List.of()),
                                r.parentId()));
            }
            List<ExportFile.ExportConversation> out = new ArrayList<>(drafts.size());
            for (Draft d : drafts.values()) {
                out.add(new ExportFile.ExportConversation(
                        d.id(),
                        d.title(),
                        d.createdAt(),
                        d.updatedAt(),
                        d.totalCostUsd(),
                        d.leafId(),
                        d.lane(),
                        d.systemPrompt(),
                        List.copyOf(d.messages())));
            }
            return new ExportFile(ExportFile.FORMAT, ExportFile.VERSION, Timestamps.format(clock.instant()), out);
        });
    }

    private record Draft(
            String id,
            String title,
            String createdAt,
            String updatedAt,
            double totalCostUsd,
            String leafId,
            String lane,
            String systemPrompt,
            List<ExportFile.ExportMessage> messages) {}

    private record Row(
            String conversationId,
            String id,
            String role,
            String content,
            String status,
            String lane,
            String model,
            Double costUsd,
            String error,
            String createdAt,
            String parentId) {}

    private static Map<String, Draft> conversations(Handle h, String userId, String conversationId) {
        Map<String, Draft> drafts = new LinkedHashMap<>();
        var query = h.createQuery(
                        "SELECT id, title, created_at, updated_at, total_cost_usd, leaf_id, lane, system_prompt"
                                + " FROM conversations"
                                + " WHERE user_id = :user" + (conversationId == null ? "" : " AND id = :id")
                                + " ORDER BY created_at, id")
                .bind("user", userId);
        if (conversationId != null) {
            query.bind("id", conversationId);
        }
        query.map((rs, ctx) -> new Draft(
                        rs.getString("id"),
                        rs.getString("title"),
                        rs.getString("created_at"),
                        rs.getString("updated_at"),
                        rs.getDouble("total_cost_usd"),
                        rs.getString("leaf_id"),
                        rs.getString("lane"),
                        rs.getString("system_prompt"),
                        new ArrayList<>()))
                .forEach(d -> drafts.put(d.id(), d));
        return drafts;
    }

    private static List<Row> messages(Handle h, String userId, String conversationId) {
        var query = h.createQuery("SELECT m.conversation_id, m.id, m.role, m.content, m.status, m.lane, m.model,"
                        + " m.cost_usd, m.error, m.created_at, m.parent_id FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                        + " WHERE c.user_id = :user" + (conversationId == null ? "" : " AND c.id = :id")
                        + " ORDER BY m.conversation_id, m.position")
                .bind("user", userId);
        if (conversationId != null) {
            query.bind("id", conversationId);
        }
        return query.map((rs, ctx) -> {
                    double cost = rs.getDouble("cost_usd");
                    Double costUsd = rs.wasNull() ? null : cost;
                    return new Row(
                            rs.getString("conversation_id"),
                            rs.getString("id"),
                            rs.getString("role"),
                            rs.getString("content"),
                            rs.getString("status"),
                            rs.getString("lane"),
                            rs.getString("model"),
                            costUsd,
                            rs.getString("error"),
                            rs.getString("created_at"),
                            rs.getString("parent_id"));
                })
                .list();
    }

    private Map<String, List<FileInfo>> filesOf(Handle h, List<Row> rows) {
        Map<String, List<FileInfo>> out = new java.util.HashMap<>();
        List<String> assistants = rows.stream()
                .filter(r -> r.role().equals("assistant"))
                .map(Row::id)
                .toList();
        for (int i = 0; i < assistants.size(); i += FILE_CHUNK) {
            out.putAll(files.forMessages(h, assistants.subList(i, Math.min(assistants.size(), i + FILE_CHUNK))));
        }
        return out;
    }
}
