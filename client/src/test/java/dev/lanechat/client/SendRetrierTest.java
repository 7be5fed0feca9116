// Unit tests of a send through an outage, on the manual clock: connection failures are retried
// on Backoff's schedule (capped at 8 s) with one Idempotency-Key until the window is spent; a
// 503 with Retry-After waits as asked; a refusal is final; nothing is sent once the caller is gone.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SendRetrierTest {
    private final ManualScheduler clock = new ManualScheduler();
    /** Each attempt: its time, its key and the answer the test gives it. */
    private final List<Long> times = new CopyOnWriteArrayList<>();

    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<SendReceipt>> answers = new CopyOnWriteArrayList<>();
    private final List<Throwable> noted = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    private final SendRetrier.Sender sender = (conversation, content, lane, key) -> {
        times.add(clock.nowMillis());
        keys.add(key);
        CompletableFuture<SendReceipt> f = new CompletableFuture<>();
        answers.add(f);
        return f;
    };

    @AfterEach
    void tearDown() {
        clock.shutdown();
    }

    private SendRetrier retrier(Duration window) {
        // Jitter at half its maximum: +10 %.
        return new SendRetrier(
                clock,
                sender,
                BackoffTest.fixed(0.5),
                window,
                () -> running,
                t -> noted.add(t == null ? new Throwable("answered") : t));
    }

    private CompletableFuture<SendReceipt> send(SendRetrier r, CompletableFuture<?> caller) {
        AtomicReference<CompletableFuture<SendReceipt>> out = new AtomicReference<>();
        clock.execute(() -> out.set(r.send("c", "hello", null, caller)));
        clock.drain();
        return out.get();
    }

    private void unreachable(int attempt) {
        answers.get(attempt).completeExceptionally(new LanechatConnectionException("refused", null));
        clock.drain();
    }

    @Test
    void retriesUnreachableOnTheCappedScheduleWithOneKey() throws Exception {
        CompletableFuture<SendReceipt> result = send(retrier(Duration.ofSeconds(60)), new CompletableFuture<>());
        // Each failure is answered at once; the next attempt comes after the backoff's wait.
        long[] waits = {1_100, 2_200, 4_400, 8_800, 8_800};
        for (int i = 0; i < waits.length; i++) {
            unreachable(i);
            clock.advance(Duration.ofMillis(waits[i] - 1));
            assertThat(times).hasSize(i + 1);
            clock.advance(Duration.ofMillis(1));
        }
        // Waits 1.1, 2.2, 4.4, 8.8, 8.8 s: the reconnect schedule capped at 8 s, each + 10 %.
        assertThat(times).containsExactly(0L, 1_100L, 3_300L, 7_700L, 16_500L, 25_300L);
        assertThat(keys).hasSize(6).containsOnly(keys.get(0));
        SendReceipt ok = new SendReceipt("queued", "t1", "m1", "c", "demo", null);
        answers.get(5).complete(ok);
        clock.drain();
        assertThat(result.get()).isEqualTo(ok);
        assertThat(noted).hasSize(6);
        assertThat(noted.get(5)).hasMessage("answered");
    }

    @Test
    void aRefusalIsNotRetried() {
        CompletableFuture<SendReceipt> result = send(retrier(Duration.ofSeconds(60)), new CompletableFuture<>());
        LanechatApiException refused = new LanechatApiException(400, "invalid_request", "too long", null);
        answers.get(0).completeExceptionally(refused);
        clock.drain();
        clock.advance(Duration.ofSeconds(30));
        assertThat(times).hasSize(1);
        assertThat(result)
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableOfType(ExecutionException.class)
                .withCause(refused);
    }

    @Test
    void aBusyAnswerWithRetryAfterIsRetriedNoSoonerThanItAsks() {
        CompletableFuture<SendReceipt> result = send(retrier(Duration.ofSeconds(60)), new CompletableFuture<>());
        answers.get(0)
                .completeExceptionally(
                        new LanechatApiException(503, "unavailable", "store away", Duration.ofSeconds(5)));
        clock.drain();
        clock.advance(Duration.ofMillis(4_999));
        assertThat(times).hasSize(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(times).containsExactly(0L, 5_000L);
        // Without Retry-After a 503 is a plain refusal.
        answers.get(1).completeExceptionally(new LanechatApiException(503, "unavailable", "away", null));
        clock.drain();
        clock.advance(Duration.ofSeconds(30));
        assertThat(times).hasSize(2);
        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void givesUpWhenTheNextWaitWouldEndAfterTheWindow() {
        CompletableFuture<SendReceipt> result = send(retrier(Duration.ofSeconds(3)), new CompletableFuture<>());
        unreachable(0);
        clock.advance(Duration.ofMillis(1_100)); // second attempt at 1.1 s; the next would be at 3.3 s
        unreachable(1);
        assertThat(times).containsExactly(0L, 1_100L);
        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void withoutAWindowTheFirstFailureIsFinal() {
        CompletableFuture<SendReceipt> result = send(retrier(Duration.ZERO), new CompletableFuture<>());
        unreachable(0);
        assertThat(result).isCompletedExceptionally();
    }

    @Test
    void sendsNothingMoreOnceTheCallerIsGoneOrTheStreamStopped() {
        CompletableFuture<Object> caller = new CompletableFuture<>();
        var unused = send(retrier(Duration.ofSeconds(60)), caller); // its outcome is the caller's, cancelled below
        unreachable(0);
        caller.cancel(false); // e.g. the stream was closed and failed the caller's future
        clock.advance(Duration.ofSeconds(10));
        assertThat(times).hasSize(1);

        CompletableFuture<SendReceipt> second = send(retrier(Duration.ofSeconds(60)), new CompletableFuture<>());
        running = false;
        unreachable(1);
        clock.advance(Duration.ofSeconds(10));
        assertThat(times).hasSize(2);
        assertThat(second).isCompletedExceptionally();
    }
}
