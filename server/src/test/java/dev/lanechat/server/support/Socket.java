package dev.lanechat.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client of {@code /ws}: every text message (partial frames joined) goes to a queue
 * that the test reads in order; the close code the server sent completes {@link #closeCode}.
 */
public final class Socket implements AutoCloseable {
    public static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket ws;

    private Socket(URI uri, String... headers) {
        Listener listener = new Listener();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        this.ws = builder.buildAsync(uri, listener)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    static Socket open(URI uri) {
        return new Socket(uri);
    }

    /** Opens a socket whose upgrade request carries these header pairs (Origin, Authorization, Cookie). */
    public static Socket open(URI uri, String... headers) {
        return new Socket(uri, headers);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }

    /** Sends the subscribe frame without {@code since}. */
    public Socket subscribe() {
        return send("{\"token\":\"stream\"}");
    }

    public Socket subscribe(long since) {
        return send("{\"token\":\"stream\",\"since\":" + since + "}");
    }

    public Socket send(String text) {
        ws.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    public Socket sendBinary(byte[] bytes) {
        ws.sendBinary(ByteBuffer.wrap(bytes), true)
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
        return this;
    }

    /** The next frame, whatever it is; fails after {@link #WAIT}. */
    public JsonNode next() {
        String frame = poll(WAIT);
        assertThat(frame).as("a frame within " + WAIT).isNotNull();
        try {
            return Http.JSON.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("frame is not JSON: " + frame, e);
        }
    }

    /** The next frame, or null when none arrives within {@code timeout} (for readers that must not fail). */
    public JsonNode nextOrNull(Duration timeout) {
        String frame = poll(timeout);
        if (frame == null) {
            return null;
        }
        try {
            return Http.JSON.readTree(frame);
        } catch (IOException e) {
            throw new AssertionError("frame is not JSON: " + frame, e);
        }
    }

    /** The next frame that is not a {@code ping} nor a {@code progress} preview. */
    public JsonNode nextNonPing() {
        while (true) {
            JsonNode frame = next();
            String event = frame.path("event").asText();
            if (!"ping".equals(event) && !"progress".equals(event)) {
                return frame;
            }
        }
    }

    /** The next frame that is not a {@code ping} ({@code progress} frames included). */
    public JsonNode nextWithProgress() {
        while (true) {
            JsonNode frame = next();
            if (!"ping".equals(frame.path("event").asText())) {
                return frame;
            }
        }
    }

    /** The next frame, asserting it is {@code ready}; returns its {@code last_id}. */
    public long ready() {
        JsonNode frame = nextNonPing();
        assertThat(frame.path("event").asText()).as(frame.toString()).isEqualTo("ready");
        return frame.path("data").path("last_id").asLong();
    }

    /** The next frame, asserting it is an {@code update}. */
    public JsonNode update() {
        JsonNode frame = nextNonPing();
        assertThat(frame.path("event").asText()).as(frame.toString()).isEqualTo("update");
        return frame;
    }

    /** Asserts that no frame other than {@code ping} arrives within {@code quiet}. */
    public void assertQuiet(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            String frame = poll(Duration.ofNanos(left));
            if (frame != null && !frame.contains("\"ping\"") && !frame.contains("\"progress\"")) {
                throw new AssertionError("expected no frame, got " + frame);
            }
        }
    }

    /** The close code the server sent; fails if it does not close within {@link #WAIT}. */
    public int closeCode() {
        return closeCode.orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isOpen() {
        return !closeCode.isDone() && !ws.isInputClosed();
    }

    private String poll(Duration timeout) {
        try {
            return frames.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            var unused = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye"); // aborted next: no answer awaited
        }
        ws.abort();
    }
}
