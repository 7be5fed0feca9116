package dev.lanechat.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store: a pooled DataSource for SQLite (the default, a file in the data dir, WAL) or
 * PostgreSQL, migrated by Flyway at open, and the Jdbi that the feature repositories use. Its
 * transactions all run on the store's writer ({@link SqliteWriter}, or this node's
 * {@link PgWriter}), batched; its plain reads on the pool.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final String description;
    /** SQLite's one writer, started after the migrations; null on PostgreSQL. */
    private SqliteWriter writer;
    /** This node's PostgreSQL writer, started after the migrations; null on SQLite. */
    private PgWriter pgWriter;

    /**
     * How many writer lines a node runs on PostgreSQL (see PgWriter); the system property
     * {@code lanechat.pg.writers} sets another number, for measuring. One: with four, under scenario
     * 4 (all tasks of one user) the lines queued on the user's usage_daily and users rows
     * (pg_stat_activity: Lock:transactionid), which one line takes once per batch
     * (bench/profiles/issue15-pg.md).
     */
    /** The PostgreSQL pool's size unless {@code --db-pool} says otherwise. */
    public static final int DEFAULT_PG_POOL = 16;

    private static final int PG_WRITERS = Math.max(1, Integer.getInteger("lanechat.pg.writers", 1));

    private volatile LongConsumer stampToCommit = nanos -> {};

    private Database(HikariDataSource dataSource, Dialect dialect, String description) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.description = description;
        // Transactions run on the writer's connection: a handle takes a pooled one only to read.
        this.jdbi = Jdbi.create(new LazyConnections(dataSource));
    }

    /**
     * Where the time from each transaction's start (where it stamps its times) to the end of its
     * commit goes, in nanoseconds. Set once by the wiring, which builds the metrics after the store.
     */
    public void observeStampToCommit(LongConsumer nanos) {
        stampToCommit = nanos;
    }

    private void recordStampToCommit(long nanos) {
        stampToCommit.accept(nanos);
    }

    /**
     * Opens the store named by {@code url} (null: SQLite at {@code <dataDir>/lanechat.db}) and
     * brings its schema up to date.
     */
    public static Database open(String url, Path dataDir) {
        return open(url, dataDir, 0);
    }

    /**
     * {@link #open(String, Path)}; with {@code crashAfterCommits} above 0 (the crash test only), the
     * SQLite writer halts the process right after its that-many-th commit, before it answers anyone:
     * the moment between a durable commit and the push that a power cut can hit.
     */
    public static Database open(String url, Path dataDir, int crashAfterCommits) {
        return open(url, dataDir, crashAfterCommits, DEFAULT_PG_POOL);
    }

    /**
     * {@link #open(String, Path, int)} with a pool of {@code pgPool} connections on PostgreSQL
     * (the writer's own connection comes on top; SQLite ignores it): several nodes on one
     * PostgreSQL must stay under its {@code max_connections} together.
     */
    public static Database open(String url, Path dataDir, int crashAfterCommits, int pgPool) {
        return open(url, dataDir, crashAfterCommits, pgPool, PG_WRITERS);
    }

    /** {@link #open(String, Path, int, int)} with {@code pgWriters} writer lines on PostgreSQL. */
    static Database open(String url, Path dataDir, int crashAfterCommits, int pgPool, int pgWriters) {
        if (pgPool < 2) {
            // The event listener keeps one pooled connection for LISTEN; reads need another.
            throw new StoreSetupException("the PostgreSQL pool needs at least 2 connections, not " + pgPool);
        }
        Database db = url == null || url.isBlank() ? sqlite(dataDir.resolve("lanechat.db")) : fromUrl(url, pgPool);
        db.migrate();
        db.startWriting(crashAfterCommits, pgWriters);
        log.info("Store: {}", db.description);
        return db;
    }

    private static Database fromUrl(String url, int pgPool) {
        if (url.startsWith("jdbc:sqlite:")) {
            return sqlite(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        if (url.startsWith("sqlite:")) {
            return sqlite(Path.of(url.substring("sqlite:".length())));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return postgres(url, pgPool);
        }
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            URI uri = URI.create(url);
            String port = uri.getPort() > 0 ? ":" + uri.getPort() : "";
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            String jdbc = "jdbc:postgresql://" + uri.getHost() + port + uri.getRawPath() + query;
            if (uri.getUserInfo() != null) {
                String[] parts = uri.getUserInfo().split(":", 2);
                jdbc += (query.isEmpty() ? "?" : "&") + "user=" + parts[0]
                        + (parts.length > 1 ? "&password=" + parts[1] : "");
            }
            return postgres(jdbc, pgPool);
        }
        throw new StoreSetupException("--db must be a sqlite: or postgresql:// URL (or a JDBC URL), not '" + url + "'");
    }

    private static Database sqlite(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                PrivateFiles.createDirectories(parent);
            }
            // Made here rw-------, before SQLite would make it by the umask (often world-readable);
            // SQLite gives the -wal and -shm files it makes beside it the database file's mode.
            PrivateFiles.createFile(file.toAbsolutePath());
        } catch (IOException e) {
            throw new StoreSetupException("cannot create the data folder for " + file + ": " + e.getMessage());
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl("jdbc:sqlite:" + file.toAbsolutePath());
        hikari.setPoolName("sqlite");
        hikari.setMaximumPoolSize(8);
        // WAL lets readers run beside the one writer; IMMEDIATE transactions take the write lock
        // at BEGIN, so two writers wait on busy_timeout instead of failing on a lock upgrade.
        // synchronous=FULL: a committed answer survives a power cut, not only a process crash.
        Map.of(
                        "journal_mode",
                        "WAL",
                        "synchronous",
                        "FULL",
                        "busy_timeout",
                        "30000",
                        "foreign_keys",
                        "true",
                        "transaction_mode",
                        "IMMEDIATE",
                        // Nothing here reads generated keys; with them on, sqlite-jdbc prepared and
                        // ran a "SELECT last_insert_rowid()" after every INSERT (issue 15: 2.7 % of
                        // the server's samples under scenario 4).
                        "jdbc.get_generated_keys",
                        "false")
                .forEach(hikari::addDataSourceProperty);
        return new Database(new HikariDataSource(hikari), Dialect.SQLITE, "sqlite " + file.toAbsolutePath());
    }

    private static Database postgres(String jdbcUrl, int pool) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setPoolName("postgres");
        hikari.setMaximumPoolSize(pool);
        // When PostgreSQL is down, answer 503 within seconds rather than after Hikari's default 30 s.
        hikari.setConnectionTimeout(5_000);
        String shown = jdbcUrl.replaceAll("password=[^&]*", "password=***");
        return new Database(new HikariDataSource(hikari), Dialect.POSTGRES, "postgres " + shown);
    }

    private void migrate() {
        Flyway.configure()
                .dataSource(dataSource)
                .locations(dialect.migrationLocations())
                .placeholders(Map.of("blob_type", dialect.blobType()))
                .load()
                .migrate();
    }

    /**
     * Writes that units add for the end of their batch, flushed in rank order (lowest first) just
     * before its commit: see {@link BatchEnd}.
     */
    public <T> BatchEnd<T> batchEnd(int rank, BatchEnd.Flush<T> flush) {
        return new BatchEnd<>(
                rank,
                flush,
                (h, end, item) -> (pgWriter != null && pgWriter.defer(h, end, item))
                        || (writer != null && writer.defer(h, end, item)));
    }

    /** Starts the writer, which opens its own connection, and sends every transaction to it. */
    private void startWriting(int crashAfterCommits, int pgWriters) {
        TransactionHandler local = jdbi.getTransactionHandler();
        Properties properties = new Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (dialect != Dialect.SQLITE) {
            pgWriter = new PgWriter(dataSource.getJdbcUrl(), properties, this::recordStampToCommit, pgWriters);
            jdbi.setTransactionHandler(WriterTransactions.postgres(local, pgWriter));
            return;
        }
        try {
            Connection connection = DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
            writer = new SqliteWriter(
                    connection, this::recordStampToCommit, crashAfterCommits, new SqliteSearchBacklog());
        } catch (SQLException e) {
            dataSource.close();
            throw new IllegalStateException("cannot open SQLite's write connection: " + StoreErrors.describe(e), e);
        }
        jdbi.setTransactionHandler(WriterTransactions.sqlite(local, writer));
    }

    /**
     * Runs a write transaction on the store's writer and returns once it committed: what
     * {@code jdbi().inTransaction(callback)} does, without first opening a handle on the pool that
     * the writer never uses (issue 15: the handle's setup and its lazy connection were a visible
     * share of each HTTP submit's samples).
     */
    public <R, X extends Exception> R inTransaction(HandleCallback<R, X> callback) throws X {
        if (writer != null) {
            return writer.write(callback);
        }
        if (pgWriter != null) {
            return pgWriter.write(callback);
        }
        return jdbi.inTransaction(callback);
    }

    /**
     * Runs a write transaction without waiting for it: it is queued for the writer and the future
     * completes after its commit (on the writer's thread: keep what follows it quick, or move it
     * elsewhere with an {@code …Async} stage).
     */
    public <R> CompletableFuture<R> inTransactionLater(HandleCallback<R, RuntimeException> callback) {
        if (writer != null) {
            return writer.writeLater(callback);
        }
        if (pgWriter != null) {
            return pgWriter.writeLater(callback);
        }
        try {
            return CompletableFuture.completedFuture(jdbi.inTransaction(callback));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #inTransactionLater}, withdrawable until SQLite's writer begins it (see
     * {@link PendingWrite}); on PostgreSQL it runs here and now, and cannot be withdrawn.
     */
    public <R> PendingWrite<R> inTransactionWithdrawable(HandleCallback<R, RuntimeException> callback) {
        if (writer != null) {
            return writer.writeWithdrawable(callback);
        }
        return new PendingWrite<>(inTransactionLater(callback), () -> false);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** The pool itself, for the one connection that LISTENs on PostgreSQL. */
    public javax.sql.DataSource dataSource() {
        return dataSource;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** Whether the store answers a trivial query now. */
    public boolean reachable() {
        try {
            return jdbi.withHandle(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one())
                    == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (pgWriter != null) {
            pgWriter.close();
        }
        dataSource.close();
    }
}
