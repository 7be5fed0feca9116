package dev.lanechat.server.store;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.statement.DefaultStatementBuilder;
import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The prepared statements of a store writer's connection (SQLite's one, each PostgreSQL line's), kept by their SQL and reused
 * (issue 15): neither Jdbi nor sqlite-jdbc caches them, and preparing the same few statements
 * anew for every task was a visible share of the writer's time. One thread uses this (the
 * writer's), so it needs no locking. Statements end when the writer's handle closes. It also keeps
 * the writer's {@link DirectStatement}s, the write path's statements run as plain JDBC.
 */
final class CachedStatements implements StatementBuilder {
    /** More distinct statements than the write path has; past it, statements are made and closed as usual. */
    private static final int MAX = 256;

    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    /** The same statements, by identity: Jdbi closes a statement under its unparsed SQL, not the SQL it prepared. */
    private final Set<Statement> cached = Collections.newSetFromMap(new IdentityHashMap<>());

    /** The writer's {@link DirectStatement}s, prepared at their first use: a few dozen at most, the write path's. */
    private final Map<DirectStatement, PreparedStatement> direct = new HashMap<>();

    private final DefaultStatementBuilder plain = new DefaultStatementBuilder();

    /**
     * {@code statement} prepared on {@code conn}, the writer's connection: at its first use, then
     * kept; null (the caller prepares and closes it itself) past {@link #MAX} of them.
     */
    PreparedStatement kept(Connection conn, DirectStatement statement) throws SQLException {
        PreparedStatement kept = direct.get(statement);
        if (kept != null && !kept.isClosed()) {
            return kept;
        }
        if (kept == null && direct.size() >= MAX) {
            return null;
        }
        kept = conn.prepareStatement(statement.sql());
        direct.put(statement, kept);
        return kept;
    }

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        return plain.create(conn, ctx);
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement != null && !statement.isClosed()) {
            return statement;
        }
        statement = plain.create(conn, sql, ctx);
        if (prepared.size() < MAX) {
            PreparedStatement replaced = prepared.put(sql, statement);
            if (replaced != null) {
                cached.remove(replaced);
            }
            cached.add(statement);
        }
        return statement;
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return plain.createCall(conn, sql, ctx);
    }

    /** Jdbi is done with a statement: a cached one stays open for the next use (its result set is closed). */
    @Override
    public void close(Connection conn, String sql, Statement statement) throws SQLException {
        if (cached.contains(statement)) {
            return;
        }
        plain.close(conn, sql, statement);
    }

    @Override
    public void close(Connection conn) {
        for (PreparedStatement statement : prepared.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // The connection closes next, which ends its statements anyway.
            }
        }
        for (PreparedStatement statement : direct.values()) {
            try {
                statement.close();
            } catch (SQLException e) {
                // As above.
            }
        }
        prepared.clear();
        cached.clear();
        direct.clear();
    }
}
