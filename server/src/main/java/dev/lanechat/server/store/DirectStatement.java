package dev.lanechat.server.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * One statement of the write path run as plain JDBC, its parameters set by position (issue 15).
 * On a store writer's handle ({@link SqliteWriter}, {@link PgWriter}) it is prepared at its first
 * use on the writer's connection and kept there ({@link CachedStatements}); on any other handle it
 * is prepared for the one call and closed after it.
 *
 * <p>Why not Jdbi: under scenario 4 Jdbi's own work for each call (the statement context and its
 * config copies, binding by name, the argument and mapper lookups) was 65 % of the SQLite writer's
 * Java samples, for statements whose text never changes (bench/profiles/session29-writepath.md).
 * A failure is still Jdbi's {@link UnableToExecuteStatementException} with the driver's
 * SQLException as its cause, as before, so callers and {@link StoreErrors} see the same thing.
 *
 * <p>Each feature keeps its statements beside its other SQL, as constants (or, where the
 * {@link Dialect} changes the text, as fields made once per store).
 */
public final class DirectStatement {
    /** Sets a statement's parameters, 1 to n, in the order of the {@code ?} in its SQL. */
    @FunctionalInterface
    public interface Parameters {
        void set(PreparedStatement statement) throws SQLException;
    }

    /** Sets the parameters of one item of a batch. */
    @FunctionalInterface
    public interface ItemParameters<T> {
        void set(PreparedStatement statement, T item) throws SQLException;
    }

    /** Reads the row a result set is on. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    private final String sql;

    private DirectStatement(String sql) {
        this.sql = sql;
    }

    /** A statement of {@code sql}, whose parameters are {@code ?}. */
    public static DirectStatement of(String sql) {
        return new DirectStatement(sql);
    }

    public String sql() {
        return sql;
    }

    /** Runs it as an update in {@code h}'s transaction; how many rows it changed. */
    public int update(Handle h, Parameters parameters) {
        PreparedStatement statement = null;
        boolean kept = false;
        try {
            statement = kept(h);
            kept = statement != null;
            if (!kept) {
                statement = h.getConnection().prepareStatement(sql);
            }
            parameters.set(statement);
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } finally {
            closeUnlessKept(statement, kept);
        }
    }

    /**
     * Runs it as a query (a SELECT, or an UPDATE … RETURNING) in {@code h}'s transaction; its first
     * row as {@code row} reads it, or empty when it has none. Only the first row is read: the
     * statements here select by a key, and both stores make every change of an UPDATE … RETURNING
     * at its first row (SQLite at the first step, PostgreSQL before it answers).
     */
    public <T> Optional<T> first(Handle h, Parameters parameters, Row<T> row) {
        PreparedStatement statement = null;
        boolean kept = false;
        try {
            statement = kept(h);
            kept = statement != null;
            if (!kept) {
                statement = h.getConnection().prepareStatement(sql);
            }
            parameters.set(statement);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.ofNullable(row.read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } finally {
            closeUnlessKept(statement, kept);
        }
    }

    /** {@link #first}, for a statement that always has a row (else an IllegalStateException). */
    public <T> T one(Handle h, Parameters parameters, Row<T> row) {
        return first(h, parameters, row)
                .orElseThrow(() -> new IllegalStateException("no row where one was expected: " + sql));
    }

    /** Runs it once for each of {@code items}, as one JDBC batch, in {@code h}'s transaction. */
    public <T> void batch(Handle h, Iterable<T> items, ItemParameters<T> parameters) {
        PreparedStatement statement = null;
        boolean kept = false;
        try {
            statement = kept(h);
            kept = statement != null;
            if (!kept) {
                statement = h.getConnection().prepareStatement(sql);
            }
            addAndRun(statement, items, parameters);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } finally {
            closeUnlessKept(statement, kept);
        }
    }

    private static <T> void addAndRun(PreparedStatement statement, Iterable<T> items, ItemParameters<T> parameters)
            throws SQLException {
        boolean any = false;
        try {
            for (T item : items) {
                parameters.set(statement, item);
                statement.addBatch();
                any = true;
            }
            if (any) {
                statement.executeBatch();
            }
        } catch (SQLException | RuntimeException e) {
            // A kept statement must not carry this batch's items into its next use.
            statement.clearBatch();
            throw e;
        }
    }

    /** The writer's kept statement of this SQL when {@code h} is a writer's handle; else null. */
    private PreparedStatement kept(Handle h) throws SQLException {
        StatementBuilder builder = h.getStatementBuilder();
        return builder instanceof CachedStatements cached ? cached.kept(h.getConnection(), this) : null;
    }

    private static void closeUnlessKept(PreparedStatement statement, boolean kept) {
        if (statement == null || kept) {
            return;
        }
        try {
            statement.close();
        } catch (SQLException e) {
            // Its connection goes back to the pool (or away) next, which ends the statement anyway.
        }
    }

    @Override
    public String toString() {
        return sql;
    }
}
