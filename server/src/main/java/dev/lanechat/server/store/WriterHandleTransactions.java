package dev.lanechat.server.store;

import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The transactions of a store writer's own handle ({@link SqliteWriter}, {@link PgWriter}): a
 * callback that asks for one is already inside the writer's batch, so it runs inline; the writer
 * alone begins and ends transactions, and any other begin, commit or savepoint is refused.
 */
final class WriterHandleTransactions implements TransactionHandler {
    private final BooleanSupplier inBatch;
    private final String writer;

    /**
     * @param inBatch whether the calling thread's writer has its batch's transaction open
     * @param writer how the refusal names the writer ("the SQLite writer")
     */
    WriterHandleTransactions(BooleanSupplier inBatch, String writer) {
        this.inBatch = inBatch;
        this.writer = writer;
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle h, HandleCallback<R, X> callback) throws X {
        return callback.withHandle(h);
    }

    @Override
    public <R, X extends Exception> R inTransaction(
            Handle h, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
        return callback.withHandle(h);
    }

    @Override
    public boolean isInTransaction(Handle h) {
        return inBatch.getAsBoolean();
    }

    @Override
    public void begin(Handle h) {
        throw refused();
    }

    @Override
    public void commit(Handle h) {
        throw refused();
    }

    @Override
    public void rollback(Handle h) {
        throw refused();
    }

    @Override
    public void savepoint(Handle h, String name) {
        throw refused();
    }

    @Override
    public void rollbackToSavepoint(Handle h, String name) {
        throw refused();
    }

    @Override
    public void releaseSavepoint(Handle h, String name) {
        throw refused();
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException(writer + " begins and ends its transactions itself");
    }
}
