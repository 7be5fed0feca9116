package dev.lanechat.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite's one writer (issue 15): a thread that owns the one write connection, with its
 * statements prepared once ({@link CachedStatements}), and runs the write units that callers
 * queue. Everything queued when it looks runs in one {@code BEGIN IMMEDIATE … COMMIT} (one fsync
 * with synchronous=FULL), each unit inside its own SAVEPOINT, and each caller is answered after
 * that COMMIT. Checkpoints of the WAL run here, between batches, instead of inside someone's commit.
 * The search index of the batch's messages is written last, just before the COMMIT
 * ({@link SqliteSearchBacklog}).
 *
 * <p>What a caller sees is what one transaction of its own would give: its callback runs alone
 * (units run one after another), a callback that throws has its own changes rolled back and its
 * exception rethrown to its caller, and a caller returns only once its changes are durable; if
 * the COMMIT fails, every caller of the batch gets the failure and nothing of the batch is stored.
 * The writer's page cache stays warm, since one connection makes every write (a pool handed the
 * write to a different connection, with a cold cache, from group to group).
 *
 * <p>A callback runs on the writer's thread with the writer's handle: callbacks use only the
 * handle they are given, which every repository here does. A callback that itself asks for a
 * transaction (on the writer's handle or through the pooled Jdbi) gets it inline, as part of its own.
 *
 * <p>Over 300 lines: the batch loop, its withdrawable units and the writer handle's transaction
 * rules are one mechanism; apart, none of them could be checked against the others. What a unit
 * is for its caller (the wait, the outcome) is shared with PgWriter in {@link WriteUnit}.
 */
final class SqliteWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteWriter.class);
    /** Bounds one batch: its first caller waits for all of them. */
    private static final int MAX_BATCH = 128;
    /** Batches between checkpoints when the queue never empties; with an empty queue, {@link #IDLE_CHECKPOINT}. */
    private static final int BUSY_CHECKPOINT = 200;

    private static final int IDLE_CHECKPOINT = 20;

    private final Connection connection;
    private final Handle handle;
    private final Thread thread;
    private final LinkedBlockingQueue<Unit<?, ?>> queue = new LinkedBlockingQueue<>();
    private final Unit<Void, RuntimeException> stop = new Unit<>(h -> null, null);
    private final PreparedStatement begin;
    private final PreparedStatement commit;
    private final PreparedStatement savepoint;
    private final PreparedStatement rollbackTo;
    private final PreparedStatement release;
    private final LongConsumer stampToCommit;
    private final SqliteSearchBacklog searchBacklog;
    /** Whether the last catch-up of the search index failed (so that its failure is logged once). */
    private boolean searchBehind;

    private boolean closed;
    private int batchesSinceCheckpoint;
    private final int crashAfterCommits;
    private int commits;
    /** Whether the writer's transaction is open (written and read on the writer's thread, and after it ended). */
    private boolean inBatch;
    /** What the batch's units added for its end (the writer's thread only). */
    private final BatchEndItems endItems = new BatchEndItems();

    /**
     * Takes over {@code connection} (autocommit on, its pragmas set) and starts the writer's thread.
     *
     * @param stampToCommit gets, for each unit committed, the nanoseconds from its start (where it
     *     stamps its times) to the end of its commit
     * @param crashAfterCommits 0, or (the crash test only) halt the process right after that many commits
     * @param searchBacklog the search index's catch-up, run at the end of every batch
     */
    SqliteWriter(
            Connection connection, LongConsumer stampToCommit, int crashAfterCommits, SqliteSearchBacklog searchBacklog)
            throws SQLException {
        this.connection = connection;
        this.stampToCommit = stampToCommit;
        this.searchBacklog = searchBacklog;
        this.crashAfterCommits = crashAfterCommits;
        try (var statement = connection.createStatement()) {
            // The writer checkpoints between batches (see maybeCheckpoint), not at the end of a commit.
            statement.execute("PRAGMA wal_autocheckpoint = 0");
            // The one connection that writes keeps the hot pages of every table and index (random
            // UUID keys touch pages all over their indexes): with SQLite's default 2 MiB the writer
            // re-read pages from the file (pread) as the store grew. At most 64 MiB, taken as used.
            statement.execute("PRAGMA cache_size = -65536");
            // Statement journals (an INSERT whose trigger notes a row for the search index, or one inside a
            // unit's SAVEPOINT) in memory, not in a temporary file opened, written and deleted per
            // statement (issue 15: __pwrite64 inside the INSERTs was 5 % of the server's samples).
            statement.execute("PRAGMA temp_store = MEMORY");
        }
        begin = connection.prepareStatement("BEGIN IMMEDIATE");
        commit = connection.prepareStatement("COMMIT");
        savepoint = connection.prepareStatement("SAVEPOINT unit");
        rollbackTo = connection.prepareStatement("ROLLBACK TO unit");
        release = connection.prepareStatement("RELEASE unit");
        Jdbi jdbi = Jdbi.create(connection);
        jdbi.setStatementBuilderFactory(c -> new CachedStatements());
        // Every callback on this handle already runs inside the writer's transaction.
        jdbi.setTransactionHandler(new WriterHandleTransactions(() -> inBatch, "the SQLite writer"));
        handle = jdbi.open();
        thread = new Thread(this::loop, "sqlite-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code callback} in the writer's next batch; returns once that batch committed. */
    <R, X extends Exception> R write(HandleCallback<R, X> callback) throws X {
        if (Thread.currentThread() == thread) {
            return callback.withHandle(handle); // a unit asking for a transaction: it is inside one
        }
        Unit<R, X> unit = new Unit<>(callback, null);
        enqueue(unit);
        unit.await();
        return unit.outcome();
    }

    /**
     * Queues {@code callback} for the writer's next batch without waiting: the future completes
     * (on the writer's thread, so what follows it must be quick) once that batch committed, or
     * fails with what the callback threw or the COMMIT's failure.
     */
    <R> CompletableFuture<R> writeLater(HandleCallback<R, RuntimeException> callback) {
        CompletableFuture<R> future = new CompletableFuture<>();
        enqueue(new Unit<>(callback, future));
        return future;
    }

    /**
     * {@link #writeLater}, and a way to take the unit back while the writer has not begun it:
     * {@link PendingWrite#withdraw()} true means it will never run (its future then holds null).
     */
    <R> PendingWrite<R> writeWithdrawable(HandleCallback<R, RuntimeException> callback) {
        CompletableFuture<R> future = new CompletableFuture<>();
        Unit<R, RuntimeException> unit = new Unit<>(callback, future);
        enqueue(unit);
        return new PendingWrite<>(future, unit::withdraw);
    }

    /**
     * Keeps {@code item} for the end of the batch whose unit runs on {@code h} (see
     * {@link BatchEnd}); false when {@code h} is not the writer's handle inside a batch.
     */
    @SuppressWarnings("ReferenceEquality") // the very handle of the writer's batch, not an equal one
    boolean defer(Handle h, BatchEnd<?> end, Object item) {
        if (Thread.currentThread() != thread || !inBatch || h != handle) {
            return false;
        }
        endItems.add(end, item);
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

    private void loop() {
        List<Unit<?, ?>> batch = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, by queueing `stop`
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.remove(stop);
            if (!batch.isEmpty()) {
                run(batch);
                batch.forEach(Unit::finish);
                batch.clear();
                maybeCheckpoint();
            }
        }
    }

    private void run(List<Unit<?, ?>> batch) {
        try {
            begin.execute();
        } catch (SQLException e) {
            batch.forEach(u -> u.fail(new TransactionException("Failed to begin transaction", e)));
            return;
        }
        inBatch = true;
        try {
            runBegun(batch);
        } finally {
            inBatch = false;
            endItems.clear();
        }
    }

    private void runBegun(List<Unit<?, ?>> batch) {
        boolean alone = batch.size() == 1; // a failure of the one unit may roll back the whole transaction
        try {
            for (Unit<?, ?> unit : batch) {
                if (!unit.begin()) {
                    continue; // withdrawn by its caller: nothing of it runs
                }
                if (alone) {
                    endItems.unitEnded(unit.run(handle));
                } else {
                    savepoint.execute();
                    boolean ok = unit.run(handle);
                    endItems.unitEnded(ok); // a failed unit's items go with its savepoint
                    if (!ok) {
                        rollbackTo.execute();
                    }
                    release.execute();
                }
            }
            if (alone && batch.get(0).failed()) {
                rollbackQuietly();
                return;
            }
            if (!endItems.isEmpty()) {
                endItems.flush(handle);
            }
            catchUpSearch();
            commit.execute();
            if (++commits == crashAfterCommits) {
                log.warn("Halting after commit {}, before answering its callers (--crash-after-commits)", commits);
                Runtime.getRuntime().halt(137);
            }
        } catch (SQLException | RuntimeException e) {
            // A savepoint or the COMMIT failed: nothing of this batch is stored.
            rollbackQuietly();
            TransactionException failure = new TransactionException("Failed to commit transaction", e);
            batch.forEach(u -> u.failUnlessFailed(failure));
            return;
        }
        long committed = System.nanoTime();
        for (Unit<?, ?> unit : batch) {
            if (!unit.failed() && !unit.withdrawn) {
                stampToCommit.accept(committed - unit.started);
            }
        }
    }

    /**
     * Indexes the batch's messages for search, inside a savepoint of its own: if that fails, the
     * batch still commits (its messages stay noted, for the next batch to index) and a search
     * misses them meanwhile, rather than every write of the store failing with the index.
     */
    private void catchUpSearch() throws SQLException {
        if (!searchBacklog.pending(handle)) {
            return;
        }
        savepoint.execute();
        try {
            searchBacklog.catchUp(handle);
            if (searchBehind) {
                log.info("The search index caught up");
                searchBehind = false;
            }
        } catch (RuntimeException e) {
            rollbackTo.execute();
            if (!searchBehind) {
                log.warn(
                        "The search index is behind; writes go on (retried at each batch): {}",
                        StoreErrors.describe(e));
                searchBehind = true;
            }
        }
        release.execute();
    }

    private void rollbackQuietly() {
        try (var statement = connection.createStatement()) {
            statement.execute("ROLLBACK");
        } catch (SQLException e) {
            // SQLite may have ended the transaction itself (a failed COMMIT of a deferred constraint does not).
        }
    }

    private void maybeCheckpoint() {
        batchesSinceCheckpoint++;
        if (batchesSinceCheckpoint < (queue.isEmpty() ? IDLE_CHECKPOINT : BUSY_CHECKPOINT)) {
            return;
        }
        batchesSinceCheckpoint = 0;
        try (var statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        } catch (SQLException e) {
            log.warn("SQLite checkpoint failed: {}", StoreErrors.describe(e));
        }
    }

    /** Runs what is queued, stops the thread and closes the connection. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.add(stop);
        }
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        handle.close();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("Closing SQLite's write connection failed: {}", StoreErrors.describe(e));
        }
    }

    /** A unit of SQLite's writer: withdrawable until the writer begins it. */
    private static final class Unit<R, X extends Exception> extends WriteUnit<R, X> {
        /** Set once by the writer as it begins the unit, or by a caller that withdraws it first. */
        private final AtomicBoolean begun = new AtomicBoolean();
        /** Whether the caller withdrew it before the writer began it (read on the writer's thread). */
        private boolean withdrawn;

        Unit(HandleCallback<R, X> callback, CompletableFuture<R> future) {
            super(callback, future);
        }

        /** Called by the writer before it runs the unit; false when it was withdrawn (it is then skipped). */
        boolean begin() {
            if (begun.compareAndSet(false, true)) {
                return true;
            }
            withdrawn = true;
            return false;
        }

        /** Takes the unit back unless the writer began it; true when it will never run. */
        boolean withdraw() {
            return begun.compareAndSet(false, true);
        }
    }
}
