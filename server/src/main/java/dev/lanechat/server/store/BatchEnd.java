package dev.lanechat.server.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * Writes that wait for the end of the writer's batch (issue 15). A unit adds an item; just before
 * the batch's COMMIT, in the same transaction, the flush gets the items of every unit of the batch
 * that succeeded, in the units' order. A row that every batch takes (a user's event counter, the
 * user's usage of the day) is then held from the end of the batch to its commit, not from the first
 * unit that took it: on PostgreSQL another node's batch waited on it for the whole batch, and
 * batches that had taken each other's rows in different orders waited out the lock timeout.
 *
 * <p>What a caller sees does not change: its items are written in its transaction, before the
 * commit it waits for; a unit that fails has its items dropped with its savepoint; a flush that
 * fails fails the whole batch, as a failed COMMIT does. Flushes run in rank order, lowest first,
 * and each takes its rows in a fixed order (by user id), so that two batches' ends never wait on
 * each other. On SQLite, whose one writer no other transaction competes with, the gain is the
 * statements: one per user (and day) for the whole batch, not one per unit. On a handle outside
 * a writer's batch, {@link #add} flushes its item at once.
 *
 * @param <T> what one unit adds
 */
public final class BatchEnd<T> {
    /** Writes a batch's items in {@code h}'s transaction. */
    @FunctionalInterface
    public interface Flush<T> {
        void flush(Handle h, List<T> items);
    }

    /** Where the items of a writer's batch wait; answers false when {@code h} runs no batch's unit. */
    @FunctionalInterface
    interface Deferral {
        boolean defer(Handle h, BatchEnd<?> end, Object item);
    }

    private final int rank;
    private final Flush<T> flush;
    private final Deferral deferral;

    BatchEnd(int rank, Flush<T> flush, Deferral deferral) {
        this.rank = rank;
        this.flush = flush;
        this.deferral = deferral;
    }

    /** Writes {@code item} in {@code h}'s transaction: at its batch's end, or now. */
    public void add(Handle h, T item) {
        if (!deferral.defer(h, this, item)) {
            flush.flush(h, List.of(item));
        }
    }

    int rank() {
        return rank;
    }

    @SuppressWarnings("unchecked") // the items were added through add(Handle, T)
    void flushAll(Handle h, List<?> items) {
        flush.flush(h, (List<T>) items);
    }
}
