// One send through an outage: POST .../messages, and while the server cannot be reached (e.g. a
// restart) again on Backoff's schedule, capped at 8 s, until the retry window is spent; a 503 or
// 429 with Retry-After is retried no sooner than it asks. Every attempt carries the same
// Idempotency-Key, so a retry never creates a second task.
package dev.lanechat.client;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/** Runs on the stream's scheduler thread; the futures it returns complete there. */
final class SendRetrier {
    /** The send itself (production: {@link LanechatClient#sendMessageAsync}). */
    interface Sender {
        CompletableFuture<SendReceipt> send(String conversationId, String content, String lane, String idempotencyKey);
    }

    /** Shorter than the reconnect's 30 s: someone waits on this answer. */
    static final long CAP_MS = 8_000;

    private final Scheduler scheduler;
    private final Sender sender;
    private final RandomGenerator random;
    private final Duration window;
    private final BooleanSupplier running;
    private final Consumer<Throwable> answered;

    /**
     * @param window how long a send keeps retrying; zero: one attempt
     * @param running whether the stream still runs (no retry after it stopped)
     * @param answered hears each attempt's failure, or null when it was answered
     */
    SendRetrier(
            Scheduler scheduler,
            Sender sender,
            RandomGenerator random,
            Duration window,
            BooleanSupplier running,
            Consumer<Throwable> answered) {
        this.scheduler = scheduler;
        this.sender = sender;
        this.random = random;
        this.window = window;
        this.running = running;
        this.answered = answered;
    }

    /**
     * Sends; call on the scheduler's thread.
     *
     * @param abandoned completes when nobody waits any more (the stream closed): no more attempts
     * @return the receipt, or the failure of the last attempt (a refusal is never retried)
     */
    CompletableFuture<SendReceipt> send(
            String conversationId, String content, String lane, CompletableFuture<?> abandoned) {
        CompletableFuture<SendReceipt> result = new CompletableFuture<>();
        Attempts a = new Attempts(
                conversationId,
                content,
                lane,
                UUID.randomUUID().toString(),
                scheduler.nowMillis() + window.toMillis(),
                new Backoff(random, CAP_MS),
                abandoned,
                result);
        a.next();
        return result;
    }

    /**
     * @return the {@code Retry-After} of a 503 (the server's store is away) or a 429 (too fast):
     *     the server asks us to come back then; null for every other failure
     */
    private static Duration askedToWait(Throwable cause) {
        if (cause instanceof LanechatApiException api && (api.status() == 503 || api.status() == 429)) {
            return api.retryAfter().orElse(null);
        }
        return null;
    }

    /** The state of one send across its attempts. */
    private final class Attempts {
        private final String conversationId;
        private final String content;
        private final String lane;
        private final String key;
        private final long deadline;
        private final Backoff backoff;
        private final CompletableFuture<?> abandoned;
        private final CompletableFuture<SendReceipt> result;

        Attempts(
                String conversationId,
                String content,
                String lane,
                String key,
                long deadline,
                Backoff backoff,
                CompletableFuture<?> abandoned,
                CompletableFuture<SendReceipt> result) {
            this.conversationId = conversationId;
            this.content = content;
            this.lane = lane;
            this.key = key;
            this.deadline = deadline;
            this.backoff = backoff;
            this.abandoned = abandoned;
            this.result = result;
        }

        void next() {
            if (abandoned.isDone()) {
                return;
            }
            // The outcome goes to settle() on the loop; the stage after it carries nothing.
            var unused = sender.send(conversationId, content, lane, key)
                    .whenComplete((receipt, err) -> scheduler.execute(() -> settle(receipt, err)));
        }

        private void settle(SendReceipt receipt, Throwable err) {
            if (err == null) {
                answered.accept(null);
                result.complete(receipt);
                return;
            }
            Throwable cause = Failures.unwrap(err);
            answered.accept(cause);
            long wait = backoff.next().toMillis();
            Duration asked = askedToWait(cause);
            if (asked != null) {
                wait = Math.max(wait, asked.toMillis());
            }
            boolean retryable = cause instanceof LanechatConnectionException || asked != null;
            if (retryable && running.getAsBoolean() && scheduler.nowMillis() + wait <= deadline) {
                scheduler.schedule(this::next, Duration.ofMillis(wait));
            } else {
                result.completeExceptionally(cause);
            }
        }
    }
}
