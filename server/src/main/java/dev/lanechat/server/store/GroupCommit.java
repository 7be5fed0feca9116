package dev.lanechat.server.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite's transactions, queued in this process and committed in groups.
 *
 * <p>SQLite has one writer at a time, and with synchronous=FULL each commit waits for an fsync:
 * a profile under load found the writer busy 86 % of the time, 83 % of that in COMMIT. So the
 * transactions that arrive while one group commits wait here, then run one after another on the
 * next leader's connection, each inside its own SAVEPOINT, and share one COMMIT (one fsync).
 *
 * <p>What a caller sees is unchanged: its callback runs alone (the group runs them in turn), a
 * callback that throws has its own changes rolled back and its exception rethrown to its caller,
 * and a caller returns only after the COMMIT that made its changes durable; if that COMMIT fails,
 * every caller of the group gets the failure and nothing of the group is stored. Waiting in this
 * queue rather than in SQLite's busy handler (which sleeps in steps of up to 100 ms) also lets the
 * next group start the moment the last one ends. Writers in another process (the {@code users}
 * command) still meet the busy handler, which is rare and fine.
 *
 * <p>A callback may run on another caller's thread and handle: callbacks use only the handle
 * they are given, which every repository here does.
 */
final class GroupCommit extends DelegatingTransactionHandler {
    /** Bounds one group's work; the connection pool bounds it sooner. */
    private static final int MAX_GROUP = 64;

    private final Object monitor = new Object();
    private final ArrayDeque<Pending<?, ?>> queue = new ArrayDeque<>();
    private boolean committing;

    GroupCommit(TransactionHandler delegate) {
        super(delegate);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        return grouped(handle, callback);
    }

    /** SQLite has one isolation level (serializable), so the level asked for changes nothing. */
    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
            HandleCallback<R, X> callback) throws X {
        return grouped(handle, callback);
    }

    /** Not reached for a nested transaction: Jdbi's Handle runs it inside the one around it. */
    private <R, X extends Exception> R grouped(Handle handle, HandleCallback<R, X> callback) throws X {
        Pending<R, X> mine = new Pending<>(callback);
        boolean interrupted = false;
        synchronized (monitor) {
            queue.add(mine);
        }
        while (true) {
            List<Pending<?, ?>> group;
            synchronized (monitor) {
                while (!mine.done && committing) {
                    try {
                        monitor.wait();
                    } catch (InterruptedException e) {
                        // The callback may already be running in someone's group: see it through.
                        interrupted = true;
                    }
                }
                if (mine.done) {
                    break;
                }
                committing = true;
                group = takeGroup();
            }
            try {
                commit(handle, group);
            } finally {
                synchronized (monitor) {
                    group.forEach(p -> p.done = true);
                    committing = false;
                    monitor.notifyAll();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return mine.outcome();
    }

    private List<Pending<?, ?>> takeGroup() {
        List<Pending<?, ?>> group = new ArrayList<>(Math.min(queue.size(), MAX_GROUP));
        while (!queue.isEmpty() && group.size() < MAX_GROUP) {
            group.add(queue.poll());
        }
        return group;
    }

    private void commit(Handle handle, List<Pending<?, ?>> group) {
        try {
            super.inTransaction(handle, h -> {
                for (Pending<?, ?> p : group) {
                    p.runIn(h);
                }
                return null;
            });
        } catch (Throwable e) {
            // BEGIN, a savepoint or the COMMIT failed: nothing of this group is stored.
            group.forEach(p -> p.failUnlessFailed(e));
        }
    }

    /** One caller's callback and, once its group has committed, what came of it. */
    private static final class Pending<R, X extends Exception> {
        private final HandleCallback<R, X> callback;
        private R value;
        private Throwable failure;
        /** Written and read under the monitor. */
        private boolean done;

        Pending(HandleCallback<R, X> callback) {
            this.callback = callback;
        }

        void runIn(Handle h) {
            h.execute("SAVEPOINT grouped");
            try {
                value = callback.withHandle(h);
            } catch (Throwable e) {
                failure = e;
                h.execute("ROLLBACK TO grouped");
            }
            h.execute("RELEASE grouped");
        }

        void failUnlessFailed(Throwable e) {
            if (failure == null) {
                failure = e;
                value = null;
            }
        }

        R outcome() throws X {
            if (failure != null) {
                throw Pending.<RuntimeException>rethrow(failure);
            }
            return value;
        }

        /** Rethrows the callback's own exception (an X, unchecked, or an Error) as it was. */
        @SuppressWarnings("unchecked")
        private static <E extends Throwable> E rethrow(Throwable e) throws E {
            throw (E) e;
        }
    }
}
