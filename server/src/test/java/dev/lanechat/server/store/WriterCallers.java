package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The callers of SqliteWriterTest and PgWriterTest: each transaction on a thread of its own, a
 * "blocker" transaction that stays open until {@link #releaseBlocker()} so that the others queue
 * behind it, and a wait until they all do. {@link #close()} releases the blocker and joins them.
 */
final class WriterCallers implements AutoCloseable {
    private final Jdbi jdbi;
    private final CountDownLatch blockerEntered = new CountDownLatch(1);
    private final CountDownLatch releaseBlocker = new CountDownLatch(1);
    private final List<Thread> callers = new ArrayList<>();

    WriterCallers(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Runs a transaction on a thread of its own; the future holds what the caller got. */
    <X extends Exception> CompletableFuture<String> inTransaction(HandleCallback<String, X> callback) {
        CompletableFuture<String> outcome = new CompletableFuture<>();
        Thread caller = new Thread(
                () -> {
                    try {
                        outcome.complete(jdbi.inTransaction(callback));
                    } catch (Throwable e) {
                        outcome.completeExceptionally(e);
                    }
                },
                "caller-" + callers.size());
        callers.add(caller);
        caller.start();
        return outcome;
    }

    /**
     * Starts the blocker (the first caller: it inserts the note 'blocker') and waits until it is
     * inside its transaction.
     */
    void startBlocker() throws InterruptedException {
        var unused = inTransaction(
                h -> { // its outcome is the blocker's own; the tests wait on the latches
                    h.execute("INSERT INTO notes (text) VALUES ('blocker')");
                    blockerEntered.countDown();
                    releaseBlocker.await();
                    return "blocker";
                });
        assertThat(blockerEntered.await(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Lets the blocker's transaction end. */
    void releaseBlocker() {
        releaseBlocker.countDown();
    }

    /** Every caller but the blocker's is waiting in the queue. */
    void awaitQueued() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> callers.stream().skip(1).allMatch(t -> t.getState() == Thread.State.WAITING));
    }

    @Override
    public void close() throws InterruptedException {
        releaseBlocker.countDown();
        for (Thread t : callers) {
            t.join(10_000);
        }
    }
}
