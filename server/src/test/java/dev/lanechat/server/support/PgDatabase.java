package dev.lanechat.server.support;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;

/**
 * A fresh PostgreSQL database for one test run: {@code CREATE DATABASE lc_test_<random>} through
 * the admin database ({@code test} on 127.0.0.1:5432 as {@code postgres}, unless the system
 * properties {@code lanechat.test.pg.host}, {@code .port}, {@code .user}, {@code .admin-db} say
 * otherwise), dropped (with its connections) on close.
 */
public final class PgDatabase implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String host;
    private final int port;
    private final String user;
    private final String adminDb;
    private final String name;
    private boolean dropped;

    private PgDatabase(String host, int port, String user, String adminDb) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.adminDb = adminDb;
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        this.name = "lc_test_" + HexFormat.of().formatHex(bytes);
        admin("CREATE DATABASE " + name);
    }

    /** A new database on the machine's PostgreSQL (see the class comment for the properties). */
    public static PgDatabase create() {
        return new PgDatabase(
                System.getProperty("lanechat.test.pg.host", "127.0.0.1"),
                Integer.getInteger("lanechat.test.pg.port", 5432),
                System.getProperty("lanechat.test.pg.user", "postgres"),
                System.getProperty("lanechat.test.pg.admin-db", "test"));
    }

    /** A new database on another cluster (a throwaway one started by a test), via its {@code postgres} database. */
    public static PgDatabase create(String host, int port, String user) {
        return new PgDatabase(host, port, user, "postgres");
    }

    public String name() {
        return name;
    }

    /** The JDBC URL the server takes as {@code --db}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name + "?user=" + user;
    }

    /** The same database as the {@code postgresql://} URL form of {@code --db}. */
    public String url() {
        return "postgresql://" + host + ":" + port + "/" + name + "?user=" + user;
    }

    /** A plain connection to this database (for assertions on the rows themselves). */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    private void admin(String sql) {
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://" + host + ":" + port + "/" + adminDb + "?user=" + user);
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL at " + host + ":" + port + ": " + sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (!dropped) {
            dropped = true;
            admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
