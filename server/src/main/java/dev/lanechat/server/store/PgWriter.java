package dev.lanechat.server.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's PostgreSQL writer (issue 15): the SQLite writer's batching on PostgreSQL. A few
 * threads ("lines"), each owning one connection, take the write units queued; a line runs every
 * unit queued when it looks in one transaction, each unit inside its own SAVEPOINT, and answers
 * each caller after the one COMMIT (one WAL flush for the batch, {@code synchronous_commit} left
 * on). Between nodes nothing changes: claims still skip rows other nodes lock, and per-user event
 * ids still come from the user's row, locked until the commit. The rows every batch takes (the
 * user's event counter, the user's {@code usage_daily} row) are written at the batch's end, just
 * before its COMMIT ({@link BatchEnd}): taken at the first unit that needed them, they were held
 * for the whole batch, and another node's batch that needed them waited that long (or, holding a
 * row this batch needed next, until the lock timeout below).
 *
 * <p>What a caller sees is what a transaction of its own gives (as on SQLite): its callback runs
 * alone, one that throws has its own changes rolled back and its exception rethrown, and a caller
 * returns only once its changes are committed; if the COMMIT fails, every caller of the batch gets
 * the failure.
 *
 * <p>What differs from SQLite: another transaction (another line's, another node's) may hold a row a unit needs while it
 * waits for one this batch holds. So every batch runs under a short {@code lock_timeout}; a unit
 * that times out on a lock (or that PostgreSQL picks as a deadlock's victim) has its savepoint
 * rolled back, the units before it are committed (which frees what the other side waits for), and
 * it runs again at the head of the next batch, at most {@link #MAX_RETRIES} times. Its callback then
 * runs twice: callbacks here change nothing outside their handle (or, like PartialAnswers.stop,
 * only what a second call leaves as is). And PostgreSQL can go away: a failed connection fails its
 * batch and is replaced for the next one.
 *
 * <p>Over 300 lines: the batch loop, its retry rule and the writer handle's transaction rules are
 * one mechanism, as in {@link SqliteWriter}; the unit a caller waits on is {@link WriteUnit}.
 */
final class PgWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgWriter.class);
    /**
     * Bounds one batch: its first caller waits for all of them, and a transaction past 64
     * subtransactions (one per unit) makes every other session's snapshot look them up in pg_subtrans.
     */
    private static final int MAX_BATCH = 60;
    /**
     * How long a unit after a batch's first waits for a row another transaction holds before the
     * batch commits without it (a deadlock would wait for PostgreSQL's deadlock_timeout, 1 s).
     */
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '300ms'";

    private static final int MAX_RETRIES = 5;

    /** How long an idle line waits for work before it looks whether the writer is closing. */
    private static final long IDLE_POLL_MS = 200;

    private final String jdbcUrl;
    private final Properties properties;
    private final List<Line> lines = new ArrayList<>();
    /**
     * The line whose thread this is; null on any other thread. Per writer, not static: each
     * PgWriter (one per node; tests and multi-node runs hold several in one JVM) has lines of its own.
     */
    @SuppressWarnings("ThreadLocalUsage")
    private final ThreadLocal<Line> current = new ThreadLocal<>();

    private final LinkedBlockingDeque<Unit<?, ?>> queue = new LinkedBlockingDeque<>();
    private final LongConsumer stampToCommit;
    private volatile boolean closed;

    /**
     * Starts {@code lines} writer threads, each with a connection of its own that it opens at its
     * first batch. More than one, so that one line's round trips to PostgreSQL overlap another's
     * (a profile under load showed the one line's connection "idle in transaction", waiting for
     * its thread to be scheduled between statements, most of the time).
     *
     * @param stampToCommit gets, for each unit committed, the nanoseconds from its start (where it
     *     stamps its times) to the end of its commit
     */
    PgWriter(String jdbcUrl, Properties properties, LongConsumer stampToCommit, int lines) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.stampToCommit = stampToCommit;
        for (int i = 0; i < lines; i++) {
            Line line = new Line("pg-writer-" + i);
            this.lines.add(line);
            line.thread.start();
        }
    }

    /** Runs {@code callback} in a writer's next batch; returns once that batch committed. */
    <R, X extends Exception> R write(HandleCallback<R, X> callback) throws X {
        Line line = current.get();
        if (line != null) {
            return callback.withHandle(line.handle); // a unit asking for a transaction: it is inside one
        }
        Unit<R, X> unit = new Unit<>(callback, null);
        enqueue(unit);
        unit.await();
        return unit.outcome();
    }

    /**
     * Queues {@code callback} for a writer's next batch without waiting: the future completes (on
     * the writer's thread, so what follows it must be quick) once that batch committed, or fails
     * with what the callback threw or the COMMIT's failure. Two units queued one after the other
     * may commit in either order (on two lines).
     */
    <R> CompletableFuture<R> writeLater(HandleCallback<R, RuntimeException> callback) {
        CompletableFuture<R> future = new CompletableFuture<>();
        enqueue(new Unit<>(callback, future));
        return future;
    }

    /**
     * Keeps {@code item} for the end of the batch whose unit runs on {@code h} (see
     * {@link BatchEnd}); false when {@code h} is not a line's handle inside a batch.
     */
    @SuppressWarnings("ReferenceEquality") // the very handle of this line's batch, not an equal one
    boolean defer(Handle h, BatchEnd<?> end, Object item) {
        Line line = current.get();
        if (line == null || !line.inBatch || line.handle != h) {
            return false;
        }
        line.endItems.add(end, item);
        return true;
    }

    private void enqueue(Unit<?, ?> unit) {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            queue.add(unit);
        }
    }

    /** Runs what is queued, stops the threads and closes their connections. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (Line line : lines) {
            try {
                line.thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** One writer thread, its connection and the batch it runs. */
    private final class Line {
        private final Thread thread;
        /** Units that gave way to another transaction's locks: the head of this line's next batch. */
        private final ArrayDeque<Unit<?, ?>> retries = new ArrayDeque<>();
        /** The line's connection and its handle; null until the first batch and after a failure. */
        private Connection connection;

        private Handle handle;
        private Statement control;
        /** Whether the line's transaction is open (written and read on its thread). */
        private boolean inBatch;
        /** Whether the connection failed during this batch: it is closed after it, and the next batch opens another. */
        private boolean broken;
        /** What the batch's units added for its end. */
        private final BatchEndItems endItems = new BatchEndItems();

        Line(String name) {
            thread = new Thread(this::loop, name);
            thread.setDaemon(true);
        }

        private void loop() {
            current.set(this);
            List<Unit<?, ?>> batch = new ArrayList<>();
            while (!closed || !queue.isEmpty() || !retries.isEmpty()) {
                // A unit that gave way runs first and alone: it may wait on the row, the others need not.
                Unit<?, ?> retry = retries.poll();
                if (retry != null) {
                    batch.add(retry);
                } else {
                    try {
                        Unit<?, ?> first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                        if (first == null) {
                            continue;
                        }
                        batch.add(first);
                    } catch (InterruptedException e) {
                        continue; // only close() stops the writer
                    }
                    queue.drainTo(batch, MAX_BATCH - 1);
                }
                run(batch);
                for (Unit<?, ?> unit : batch) {
                    if (!unit.retrying) {
                        unit.finish();
                    }
                }
                batch.clear();
            }
            disconnect();
        }

        private void run(List<Unit<?, ?>> batch) {
            try {
                connectIfNeeded();
                if (batch.size() > 1) {
                    control.execute("SAVEPOINT unit"); // sent with the BEGIN
                }
            } catch (SQLException e) {
                broken = true;
                batch.forEach(u -> u.fail(new TransactionException("Failed to begin transaction", e)));
            }
            if (!broken) {
                inBatch = true;
                try {
                    runBegun(batch);
                } finally {
                    inBatch = false;
                }
            }
            if (broken) {
                disconnect();
                broken = false;
            }
        }

        private void runBegun(List<Unit<?, ?>> batch) {
            try {
                runUnits(batch);
            } finally {
                endItems.clear();
            }
        }

        private void runUnits(List<Unit<?, ?>> batch) {
            boolean alone = batch.size() == 1; // a failure of the one unit rolls back the whole transaction
            int ran = 0;
            List<Unit<?, ?>> giveBack = List.of();
            try {
                for (Unit<?, ?> unit : batch) {
                    if (ran == 1) {
                        // The first unit holds no row of the batch's others, so it may wait as long as a
                        // transaction of its own would; the others give way (see the class comment).
                        control.execute(LOCK_TIMEOUT + "; RELEASE unit; SAVEPOINT unit"); // one round trip
                    } else if (ran > 1) {
                        control.execute("RELEASE unit; SAVEPOINT unit");
                    }
                    boolean ok = unit.run(handle);
                    endItems.unitEnded(ok); // a failed unit's items go with its savepoint
                    if (!ok && !alone) {
                        control.execute("ROLLBACK TO unit");
                    }
                    if (!ok && unit.mayRetry()) {
                        // It waited on a row another transaction holds, which may wait on one of ours:
                        // commit what ran before it, run it again next, and give back to the queue, in
                        // their order, the units behind it, which any line may take.
                        unit.retrying = true;
                        retries.add(unit);
                        giveBack = batch.subList(ran + 1, batch.size());
                        giveBack.forEach(u -> u.retrying = true); // not answered with this batch
                        break;
                    }
                    ran++;
                }
                if (alone && batch.get(0).failed()) {
                    rollbackQuietly();
                    return;
                }
                flushBatchEnd();
                connection.commit();
                for (int i = giveBack.size() - 1; i >= 0; i--) {
                    queue.addFirst(giveBack.get(i));
                }
            } catch (SQLException | RuntimeException e) {
                // A savepoint or the COMMIT failed (or the connection did): nothing of this batch is stored.
                rollbackQuietly();
                broken = true;
                TransactionException failure = new TransactionException("Failed to commit transaction", e);
                for (Unit<?, ?> unit : batch) {
                    unit.retrying = false;
                    unit.failUnlessFailed(failure);
                }
                retries.clear();
                return;
            }
            long committed = System.nanoTime();
            for (Unit<?, ?> unit : batch) {
                if (!unit.failed() && !unit.retrying) {
                    stampToCommit.accept(committed - unit.started);
                }
            }
        }

        /** Writes what the batch's units added for its end, each flush's items in the units' order. */
        private void flushBatchEnd() throws SQLException {
            if (endItems.isEmpty()) {
                return;
            }
            // Only rows that batch ends take are left to take, in one order: wait for them as long as
            // a transaction of its own would (a deadlock with another session is still PostgreSQL's to break).
            control.execute("SET LOCAL lock_timeout = 0");
            endItems.flush(handle);
        }

        private void connectIfNeeded() throws SQLException {
            if (connection != null) {
                return;
            }
            Connection opened = DriverManager.getConnection(jdbcUrl, properties);
            try {
                opened.setAutoCommit(false);
                control = opened.createStatement();
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            Jdbi jdbi = Jdbi.create(opened);
            jdbi.setStatementBuilderFactory(c -> new CachedStatements());
            // Every callback on this handle already runs inside the writer's transaction.
            jdbi.setTransactionHandler(new WriterHandleTransactions(
                    () -> {
                        Line line = current.get();
                        return line != null && line.inBatch;
                    },
                    "the PostgreSQL writer"));
            connection = opened;
            handle = jdbi.open();
        }

        private void rollbackQuietly() {
            if (connection == null) {
                return;
            }
            try {
                connection.rollback();
            } catch (SQLException e) {
                broken = true; // the connection is gone; the next batch opens another
            }
        }

        private void disconnect() {
            if (connection == null) {
                return;
            }
            handle.close();
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing PostgreSQL's write connection failed: {}", StoreErrors.describe(e));
            }
            connection = null;
            handle = null;
            control = null;
        }
    }

    /** A unit of a PostgreSQL writer line: run again, in a later batch, when it gave way on a lock. */
    private static final class Unit<R, X extends Exception> extends WriteUnit<R, X> {
        private int retried;
        /** Whether it waits for the next batch (written and read on the writer's thread). */
        private boolean retrying;

        Unit(HandleCallback<R, X> callback, CompletableFuture<R> future) {
            super(callback, future);
        }

        @Override
        boolean run(Handle h) {
            retrying = false;
            return super.run(h);
        }

        /** Whether it failed on another transaction's lock and may run again; counts the run. */
        boolean mayRetry() {
            if (retried >= MAX_RETRIES || !gaveWay(failure())) {
                return false;
            }
            retried++;
            return true;
        }

        /** A lock wait past lock_timeout (55P03), a deadlock's victim (40P01), a serialization failure (40001). */
        private static boolean gaveWay(Throwable error) {
            for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof SQLException sql) {
                    String state = sql.getSQLState();
                    if ("55P03".equals(state) || "40P01".equals(state) || "40001".equals(state)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
