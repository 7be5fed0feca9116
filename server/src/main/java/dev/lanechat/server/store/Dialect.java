package dev.lanechat.server.store;

/**
 * The one place where SQLite and PostgreSQL differ. Everything else speaks the SQL both share
 * (including {@code UPDATE … RETURNING}).
 */
public enum Dialect {
    SQLITE("sqlite", "BLOB", ""),
    POSTGRES("postgres", "BYTEA", " FOR UPDATE SKIP LOCKED");

    private final String storeName;
    private final String blobType;
    private final String skipLocked;

    Dialect(String storeName, String blobType, String skipLocked) {
        this.storeName = storeName;
        this.blobType = blobType;
        this.skipLocked = skipLocked;
    }

    /** The name {@code /api/health} reports. */
    public String storeName() {
        return storeName;
    }

    /**
     * Where Flyway finds the migrations: the shared ones, then this dialect's own (full-text
     * search, whose indexes have nothing in common between the two).
     */
    public String[] migrationLocations() {
        return new String[] {"classpath:db/migration", "classpath:db/" + storeName};
    }

    /** How this store searches text. */
    public FullText fullText() {
        return this == SQLITE ? FullText.FTS5 : FullText.TSVECTOR;
    }

    /** The column type of binary data, handed to the migrations as {@code ${blob_type}}. */
    public String blobType() {
        return blobType;
    }

    /**
     * What a claiming {@code SELECT} ends with so that two nodes never take the same row. SQLite
     * has one writer at a time (transactions begin IMMEDIATE), so it needs nothing.
     */
    public String skipLockedSuffix() {
        return skipLocked;
    }

    /**
     * Whether one process owns the whole store. Then a task left {@code running} at start was
     * orphaned by a crash of this very server and can be requeued at once instead of after its lease.
     */
    public boolean singleProcess() {
        return this == SQLITE;
    }

    /**
     * PostgreSQL's whole {@link dev.lanechat.server.events.EventLog#append} in one statement (one
     * round trip instead of three, issue 15): the user's counter, the event row and the NOTIFY
     * that tells other nodes of it on commit (delivered on commit only, so another node never
     * hears of an event it cannot read yet); it returns the event's id. Its parameters: the user
     * (the counter's), the user again (the row's), the type, the data, the time. Null on SQLite,
     * which runs the counter's UPDATE and the INSERT apart (it has no data-modifying WITH) and
     * has no other nodes to tell.
     */
    public String appendEventStatement() {
        return this != POSTGRES
                ? null
                : "WITH counter AS (UPDATE users SET last_event_id = last_event_id + 1 WHERE id = ? "
                        + "RETURNING last_event_id), "
                        + "event AS (INSERT INTO events (user_id, id, type, data, created_at) "
                        + "SELECT ?, last_event_id, ?, ?, ? FROM counter RETURNING user_id, id) "
                        + "SELECT id, pg_notify('lanechat_events', user_id || ':' || id) AS notified FROM event";
    }

    /** Whether the driver's exception says a primary key or unique constraint was violated. */
    public boolean isUniqueViolation(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql) {
                String state = sql.getSQLState();
                if ("23505".equals(state)) {
                    return true;
                }
                String message = String.valueOf(sql.getMessage());
                if (message.contains("UNIQUE constraint failed") || message.contains("PRIMARY KEY constraint")) {
                    return true;
                }
            }
        }
        return false;
    }
}
