package dev.lanechat.server.lanes;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One HTTP call whose body is read line by line as it arrives (server-sent events, or any body),
 * on the caller's thread, which never blocks longer than {@link #POLL_MS} at a time: a cancel (the
 * flag or an interrupt), a deadline and a stalled body are all noticed at once. Lines are split at
 * {@code \n}, {@code \r} or {@code \r\n}, as SSE allows. Closing it before the body ended aborts the
 * call, which closes the connection.
 */
final class LineStream implements AutoCloseable {
    static final long POLL_MS = 50;
    private static final Object END = new Object();

    private record Failure(Throwable cause) {}

    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
    private final LinkedBlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Void>> call;
    private volatile Flow.Subscription subscription;
    private boolean ended;

    LineStream(HttpClient http, HttpRequest request) {
        Flow.Subscriber<String> subscriber = new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(String line) {
                lines.add(line);
            }

            @Override
            public void onError(Throwable error) {
                lines.add(new Failure(error));
            }

            @Override
            public void onComplete() {
                lines.add(END);
            }
        };
        this.call = http.sendAsync(request, info -> {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(subscriber, s -> null, StandardCharsets.UTF_8, null);
        });
    }

    /**
     * The status and headers, once they arrived.
     *
     * @throws TimeoutException when {@code deadlineNanos} passed first
     * @throws ExecutionException the call failed (its cause says why: refused, unknown host, timeout)
     * @throws InterruptedException cancelled or interrupted; the call is aborted
     */
    HttpResponse.ResponseInfo head(long deadlineNanos, BooleanSupplier cancelled)
            throws TimeoutException, ExecutionException, InterruptedException {
        CompletableFuture<Object> either = CompletableFuture.anyOf(head, call);
        while (true) {
            checkCancelled(cancelled);
            if (head.isDone()) {
                return head.join();
            }
            if (call.isCompletedExceptionally()) {
                try {
                    call.join();
                } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
                    throw new ExecutionException(e.getCause() != null ? e.getCause() : e);
                }
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                close();
                throw new TimeoutException();
            }
            try {
                either.get(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MS), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException stillWaitingOrFailed) {
                // looked at on the next turn
            } catch (InterruptedException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * The next line of the body, or null at its end.
     *
     * @throws TimeoutException when no line arrived before {@code deadlineNanos}
     * @throws ExecutionException the body broke off (its cause says why)
     * @throws InterruptedException cancelled or interrupted; the call is aborted
     */
    String nextLine(long deadlineNanos, BooleanSupplier cancelled)
            throws TimeoutException, ExecutionException, InterruptedException {
        if (ended) {
            return null;
        }
        while (true) {
            checkCancelled(cancelled);
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new TimeoutException();
            }
            Object item;
            try {
                item = lines.poll(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MS), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                close();
                throw e;
            }
            if (item == END) {
                ended = true;
                return null;
            }
            if (item instanceof Failure failure) {
                ended = true;
                throw new ExecutionException(failure.cause());
            }
            if (item != null) {
                return (String) item;
            }
        }
    }

    /** The whole rest of the body, its lines joined with {@code \n}. */
    String rest(long deadlineNanos, BooleanSupplier cancelled)
            throws TimeoutException, ExecutionException, InterruptedException {
        StringBuilder body = new StringBuilder();
        for (String line; (line = nextLine(deadlineNanos, cancelled)) != null; ) {
            if (body.length() > 0) {
                body.append('\n');
            }
            body.append(line);
        }
        return body.toString();
    }

    private void checkCancelled(BooleanSupplier cancelled) throws InterruptedException {
        if (cancelled.getAsBoolean()) {
            close();
            throw new InterruptedException("cancelled");
        }
    }

    /** Aborts the call unless its body was read to the end (or broke off). */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        call.cancel(true);
    }
}
