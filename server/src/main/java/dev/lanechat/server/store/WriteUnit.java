package dev.lanechat.server.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * One caller's callback queued for a store writer ({@link SqliteWriter}, {@link PgWriter}) and,
 * once its batch has committed, what came of it. The writer runs it and calls {@link #finish}
 * after the batch's COMMIT (or its failure); a waiting caller parks in {@link #await} until then,
 * an unwaited one gets the outcome in its future. Each writer extends it with its own rules (a
 * withdrawal on SQLite, a rerun after a lock on PostgreSQL).
 */
class WriteUnit<R, X extends Exception> {
    private final HandleCallback<R, X> callback;
    /** Where an unwaited unit's outcome goes; null when its caller waits. */
    private final CompletableFuture<R> future;

    private final Thread caller = Thread.currentThread();
    private R value;
    private Throwable failure;
    /** When the writer first started it (System.nanoTime); 0 until then. */
    long started;

    private volatile boolean done;

    WriteUnit(HandleCallback<R, X> callback, CompletableFuture<R> future) {
        this.callback = callback;
        this.future = future;
    }

    /** Runs the callback; false when it threw (its failure is kept for its caller). */
    boolean run(Handle h) {
        if (started == 0) {
            started = System.nanoTime();
        }
        failure = null;
        try {
            value = callback.withHandle(h);
            return true;
        } catch (Throwable e) {
            failure = e;
            return false;
        }
    }

    final boolean failed() {
        return failure != null;
    }

    final Throwable failure() {
        return failure;
    }

    final void fail(Throwable e) {
        failure = e;
        value = null;
    }

    final void failUnlessFailed(Throwable e) {
        if (failure == null) {
            fail(e);
        }
    }

    /** Hands the outcome to its caller: completes the future, or wakes the waiting caller. */
    final void finish() {
        if (future != null) {
            if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(value);
            }
            return;
        }
        done = true;
        LockSupport.unpark(caller);
    }

    /** Waits for the batch; an interrupt does not end the wait (the callback may be running), it is kept. */
    final void await() {
        boolean interrupted = false;
        while (!done) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    final R outcome() throws X {
        if (failure != null) {
            throw WriteUnit.<RuntimeException>rethrow(failure);
        }
        return value;
    }

    /**
     * Rethrows the callback's own exception (an X, unchecked, or an Error) as it was. The type
     * parameter in the return type alone is the point: it lets the compiler take any throwable as E.
     */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }
}
