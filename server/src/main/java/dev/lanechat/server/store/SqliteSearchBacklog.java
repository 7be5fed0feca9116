package dev.lanechat.server.store;

import org.jdbi.v3.core.Handle;

/**
 * SQLite's search index of messages, brought up to date at the end of each of the writer's batches
 * (issue 15; the schema and its reasons are in db/sqlite's V16). The triggers on {@code messages}
 * note the rows that changed in {@code message_search_backlog}; {@link #catchUp} takes the old text
 * of those rows out of {@code messages_fts}, puts their current text in and empties the backlog,
 * in the batch's own transaction, just before its COMMIT. FTS5 writes one segment for that, where
 * the triggers that wrote the index themselves made it write one at nearly every statement.
 *
 * <p>What a search sees does not change: every write of the store goes through the writer, so a
 * committed message is in the index from that commit on.
 */
final class SqliteSearchBacklog {
    private static final DirectStatement ANY =
            DirectStatement.of("SELECT EXISTS (SELECT 1 FROM message_search_backlog)");

    /** The texts the index still holds for the noted rows, out of it. */
    private static final DirectStatement TAKE_OUT =
            DirectStatement.of("INSERT INTO messages_fts (messages_fts, rowid, content) "
                    + "SELECT 'delete', message_rowid, indexed FROM message_search_backlog WHERE indexed <> ''");

    /**
     * The noted rows that still exist, with their current text, in. CROSS JOIN keeps the backlog
     * the outer loop: left to the planner, SQLite scanned all of {@code messages}.
     */
    private static final DirectStatement PUT_IN = DirectStatement.of("INSERT INTO messages_fts (rowid, content) "
            + "SELECT m.rowid, m.content FROM message_search_backlog b CROSS JOIN messages m "
            + "ON m.rowid = b.message_rowid WHERE m.content <> ''");

    private static final DirectStatement CLEAR = DirectStatement.of("DELETE FROM message_search_backlog");

    /** Whether any row waits to be indexed (a read of one page when none does). */
    boolean pending(Handle h) {
        return ANY.one(h, s -> {}, rs -> rs.getBoolean(1));
    }

    /** Indexes every noted row in {@code h}'s transaction and empties the backlog. */
    void catchUp(Handle h) {
        TAKE_OUT.update(h, s -> {});
        PUT_IN.update(h, s -> {});
        CLEAR.update(h, s -> {});
    }
}
