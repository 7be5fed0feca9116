package dev.lanechat.server.store;

import java.util.List;
import java.util.stream.Collectors;

/**
 * How each store searches text: SQLite's FTS5 tables and PostgreSQL's tsvector (the indexes are
 * made by the dialect's own V10 migration, {@code db/sqlite} and {@code db/postgres}). Both get
 * the same words, already reduced to letters and digits by {@code search.SearchQuery}, so no
 * search syntax ever reaches the engine; each word matches by prefix, and all must match.
 *
 * <p>The snippets mark each matched word with {@link #MARK_START} and {@link #MARK_END}, which the
 * search feature turns into ranges.
 */
public enum FullText {
    FTS5,
    TSVECTOR;

    /** Control characters no text of a chat is expected to hold; stripped from the text otherwise. */
    public static final char MARK_START = '\u0002';

    public static final char MARK_END = '\u0003';

    /** The match expression for {@code words} (non-empty, letters and digits only), bound as :match. */
    public String match(List<String> words) {
        return switch (this) {
            case FTS5 -> words.stream().map(w -> "\"" + w + "\"*").collect(Collectors.joining(" "));
            case TSVECTOR -> words.stream().map(w -> w + ":*").collect(Collectors.joining(" & "));
        };
    }

    /**
     * Message hits of user :user for :match, as rows (sort_key, conversation_id, title, message_id,
     * role, at, snippet); {@code sort_key} is unique among all hits.
     */
    public String messageHits() {
        return switch (this) {
            case FTS5 ->
                "SELECT 'm' || m.id AS sort_key, m.conversation_id AS conversation_id, c.title AS title, m.id AS message_id,"
                        + " m.role AS role, m.created_at AS at,"
                        + " snippet(messages_fts, 0, char(2), char(3), '…', 24) AS snippet"
                        + " FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid"
                        + " JOIN conversations c ON c.id = m.conversation_id"
                        + " WHERE messages_fts MATCH :match AND c.user_id = :user";
            case TSVECTOR ->
                "SELECT 'm' || m.id AS sort_key, m.conversation_id AS conversation_id, c.title AS title, m.id AS message_id,"
                        + " m.role AS role, m.created_at AS at,"
                        + " ts_headline('simple', m.content, to_tsquery('simple', :match),"
                        + " 'StartSel=' || chr(2) || ',StopSel=' || chr(3) || ',MaxWords=24,MinWords=12') AS snippet"
                        + " FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                        + " WHERE m.search_vector @@ to_tsquery('simple', :match) AND c.user_id = :user";
        };
    }

    /** Title hits of user :user for :match, in the same columns (message_id and role null). */
    public String titleHits() {
        return switch (this) {
            case FTS5 ->
                "SELECT 'c' || c.id AS sort_key, c.id AS conversation_id, c.title AS title, NULL AS message_id, NULL AS role,"
                        + " c.updated_at AS at, highlight(conversations_fts, 0, char(2), char(3)) AS snippet"
                        + " FROM conversations_fts JOIN conversations c ON c.rowid = conversations_fts.rowid"
                        + " WHERE conversations_fts MATCH :match AND c.user_id = :user";
            case TSVECTOR ->
                "SELECT 'c' || c.id AS sort_key, c.id AS conversation_id, c.title AS title, NULL AS message_id, NULL AS role,"
                        + " c.updated_at AS at, ts_headline('simple', c.title, to_tsquery('simple', :match),"
                        + " 'StartSel=' || chr(2) || ',StopSel=' || chr(3) || ',HighlightAll=true') AS snippet"
                        + " FROM conversations c"
                        + " WHERE to_tsvector('simple', COALESCE(c.title, '')) @@ to_tsquery('simple', :match)"
                        + " AND c.user_id = :user";
        };
    }
}
