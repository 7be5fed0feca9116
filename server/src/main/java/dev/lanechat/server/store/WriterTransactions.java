package dev.lanechat.server.store;

import java.util.function.LongConsumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The transactions of the pooled Jdbi that the repositories use. On SQLite every one goes to the
 * one {@link SqliteWriter} (the pooled handle it was asked on is left unused; reads stay on the
 * pool); on PostgreSQL each runs on its own pooled connection as usual. Both report the time from
 * a callback's start, where it stamps its times, to the end of its commit (issue 15: the tail of
 * push latency was there).
 */
final class WriterTransactions {
    private WriterTransactions() {}

    /** SQLite: through the writer. Its one isolation level (serializable) makes the level asked for moot. */
    static TransactionHandler sqlite(TransactionHandler local, SqliteWriter writer) {
        return new DelegatingTransactionHandler(local) {
            @Override
            public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
                return writer.write(callback);
            }

            @Override
            public <R, X extends Exception> R inTransaction(
                    Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
                return writer.write(callback);
            }
        };
    }

    /** PostgreSQL: each transaction on its own connection, timed from its callback's start to its commit. */
    static TransactionHandler timed(TransactionHandler local, LongConsumer stampToCommit) {
        return new DelegatingTransactionHandler(local) {
            @Override
            public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
                long[] started = new long[1];
                R result = super.inTransaction(handle, h -> {
                    started[0] = System.nanoTime();
                    return callback.withHandle(h);
                });
                stampToCommit.accept(System.nanoTime() - started[0]);
                return result;
            }

            @Override
            public <R, X extends Exception> R inTransaction(
                    Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
                long[] started = new long[1];
                R result = super.inTransaction(handle, level, h -> {
                    started[0] = System.nanoTime();
                    return callback.withHandle(h);
                });
                stampToCommit.accept(System.nanoTime() - started[0]);
                return result;
            }
        };
    }
}
