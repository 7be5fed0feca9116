package dev.lanechat.server.store;

import java.sql.SQLException;
import org.jdbi.v3.core.JdbiException;
import org.sqlite.SQLiteException;

/**
 * What may be said about a failure in a log line or a stored error. Jdbi's exception text quotes
 * the statement and every bound value (a message's content, a token's hash), and the drivers'
 * texts quote values too: none of that may leave the process. A store failure is told as
 * {@code "store error (SQLSTATE 23505)"} (PostgreSQL) or {@code "store error (SQLITE_BUSY)"}; any
 * other failure by its class and the line of Lanechat's code it came from, never its message.
 */
public final class StoreErrors {
    private StoreErrors() {}

    /** Whether {@code e} or one of its causes is a failure of the store (Jdbi or JDBC). */
    public static boolean isStoreError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JdbiException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} says the store could not be reached: the pool timed out waiting for a
     * connection, or the driver reports a connection failure (SQLSTATE class 08) or an
     * administrator shutdown (57P01-57P03, PostgreSQL restarting). A client should retry such a
     * failure (503 with Retry-After), not report a bug.
     */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A short, content-free description: {@code "store error (SQLSTATE 08006)"} for a store
     * failure, else the exception's class, e.g. {@code "IllegalStateException"}.
     */
    public static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        if (isStoreError(e)) {
            String code = code(e);
            return code == null ? "store error" : "store error (" + code + ")";
        }
        return e.getClass().getSimpleName();
    }

    /**
     * {@link #describe} plus where it happened: the first frame in Lanechat's code (or the top
     * frame), e.g. {@code "store error (SQLSTATE 23505) at TaskRepository.java:88"}. For an
     * unexpected error, this stands in for a stack trace, whose messages would carry the content.
     */
    public static String describeWithPlace(Throwable e) {
        if (e == null) {
            return describe(null);
        }
        return describe(e) + place(e);
    }

    private static String place(Throwable e) {
        StackTraceElement first = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (StackTraceElement frame : t.getStackTrace()) {
                if (first == null) {
                    first = frame;
                }
                if (frame.getClassName().startsWith("dev.lanechat.")
                        && !frame.getClassName().endsWith(".StoreErrors")) {
                    return " at " + shown(frame);
                }
            }
        }
        return first == null ? "" : " at " + shown(first);
    }

    private static String shown(StackTraceElement frame) {
        String file = frame.getFileName() == null ? frame.getClassName() : frame.getFileName();
        return file + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber() : "");
    }

    /**
     * A copy of {@code e}'s chain for a log's stack trace: each link keeps its frames and its
     * class (in the message, as {@link #describe} gives it) but none of its text.
     */
    public static Throwable scrubbed(Throwable e) {
        if (e == null) {
            return null;
        }
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && chain.size() < 20 && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        Scrubbed copy = null;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Throwable t = chain.get(i);
            String shown = t.getClass().getName() + (t instanceof SQLException ? " (" + describe(t) + ")" : "");
            copy = new Scrubbed(shown, copy);
            copy.setStackTrace(t.getStackTrace());
        }
        return copy;
    }

    /** A link of {@link #scrubbed}: its message names the original's class. */
    static final class Scrubbed extends RuntimeException {
        Scrubbed(String message, Throwable cause) {
            super(message, cause, false, true);
        }
    }

    /** The SQLSTATE of the innermost SQLException that has one, else SQLite's result code name. */
    private static String code(Throwable e) {
        String state = null;
        String sqlite = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLiteException lite && lite.getResultCode() != null) {
                sqlite = lite.getResultCode().name();
            }
            if (t instanceof SQLException sql) {
                if (sql.getSQLState() != null && sql.getSQLState().matches("[0-9A-Z]{5}")) {
                    state = sql.getSQLState();
                }
                for (SQLException next = sql.getNextException();
                        next != null && state == null;
                        next = next.getNextException()) {
                    if (next.getSQLState() != null && next.getSQLState().matches("[0-9A-Z]{5}")) {
                        state = next.getSQLState();
                    }
                }
            }
        }
        if (state != null) {
            return "SQLSTATE " + state;
        }
        return sqlite;
    }
}
