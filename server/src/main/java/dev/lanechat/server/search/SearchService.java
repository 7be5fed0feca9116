package dev.lanechat.server.search;

import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.FullText;
import java.util.ArrayList;
import java.util.List;

/**
 * Full-text search over one user's conversations: the messages' text and the titles, newest
 * first, a page at a time. The indexes live in the store and are written in the same
 * transactions as the text (see the V10 migrations), so a result is never older or newer than
 * what a read of the conversation shows. Isolation is the query's {@code user_id} condition:
 * another user's text is never matched.
 */
public final class SearchService {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 100;

    private final Database database;

    public SearchService(Database database) {
        this.database = database;
    }

    public SearchPage search(String userId, SearchQuery query, String before, int limit) {
        SearchCursor cursor = before == null ? null : SearchCursor.decode(before);
        FullText fullText = database.dialect().fullText();
        String sql = "SELECT sort_key, conversation_id, title, message_id, role, at, snippet FROM ("
                + fullText.messageHits() + " UNION ALL " + fullText.titleHits() + ") hits"
                + (cursor == null ? "" : " WHERE at < :beforeAt OR (at = :beforeAt AND sort_key < :beforeKey)")
                + " ORDER BY at DESC, sort_key DESC LIMIT :limit";
        List<Row> rows = database.jdbi().withHandle(h -> {
            var q = h.createQuery(sql)
                    .bind("match", fullText.match(query.words()))
                    .bind("user", userId)
                    .bind("limit", limit + 1);
            if (cursor != null) {
                q.bind("beforeAt", cursor.at()).bind("beforeKey", cursor.sortKey());
            }
            return q.map((rs, ctx) -> new Row(
                            rs.getString("sort_key"),
                            rs.getString("conversation_id"),
                            rs.getString("title"),
                            rs.getString("message_id"),
                            rs.getString("role"),
                            rs.getString("at"),
                            rs.getString("snippet")))
                    .list();
        });
        boolean hasMore = rows.size() > limit;
        List<SearchHit> hits = new ArrayList<>();
        for (Row row : rows.subList(0, Math.min(limit, rows.size()))) {
            Snippet snippet = Snippet.parse(row.snippet());
            hits.add(new SearchHit(
                    row.conversationId(),
                    row.title(),
                    row.messageId(),
                    row.role(),
                    row.at(),
                    snippet.text(),
                    snippet.highlights()));
        }
        String next = null;
        if (hasMore) {
            Row last = rows.get(limit - 1);
            next = new SearchCursor(last.at(), last.sortKey()).encode();
        }
        return new SearchPage(hits, hasMore, next);
    }

    private record Row(
            String sortKey,
            String conversationId,
            String title,
            String messageId,
            String role,
            String at,
            String snippet) {}
}
