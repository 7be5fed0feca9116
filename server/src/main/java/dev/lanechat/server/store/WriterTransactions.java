package dev.lanechat.server.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The transactions of the pooled Jdbi that the repositories use: every one goes to the store's
 * writer, {@link SqliteWriter} or this node's {@link PgWriter} (the pooled handle it was asked on
 * is left unused; reads stay on the pool). Each writer reports the time from a callback's start,
 * where it stamps its times, to the end of its commit (issue 15: the tail of push latency was there).
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

    /** PostgreSQL: through this node's writer (every store transaction is READ COMMITTED). */
    static TransactionHandler postgres(TransactionHandler local, PgWriter writer) {
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
}
