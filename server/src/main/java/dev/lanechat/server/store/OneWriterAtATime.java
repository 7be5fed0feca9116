package dev.lanechat.server.store;

import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite's transactions, one at a time, queued in this process. SQLite has one writer at a time
 * (ours begin IMMEDIATE); a connection that finds the lock taken waits in SQLite's busy handler,
 * which sleeps in steps of up to 100 ms however soon the lock frees. Under load that put tails of
 * hundreds of milliseconds on a commit that takes one or two. Waiting here, on a fair lock, the
 * next transaction starts the moment the last one ends. Writers in another process (the
 * {@code users} command) still meet the busy handler, which is rare and fine.
 */
final class OneWriterAtATime extends DelegatingTransactionHandler {
    private final ReentrantLock lock = new ReentrantLock(true);

    OneWriterAtATime(TransactionHandler delegate) {
        super(delegate);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        lock.lock();
        try {
            return super.inTransaction(handle, callback);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level,
            HandleCallback<R, X> callback) throws X {
        lock.lock();
        try {
            return super.inTransaction(handle, level, callback);
        } finally {
            lock.unlock();
        }
    }
}
