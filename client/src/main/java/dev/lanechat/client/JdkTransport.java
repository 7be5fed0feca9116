// The Transport on the JDK's java.net.http.WebSocket.
package dev.lanechat.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Opens {@link java.net.http.WebSocket}s with a shared {@link HttpClient}. */
final class JdkTransport implements Transport {
    private final HttpClient http;
    private final Duration connectTimeout;

    JdkTransport(HttpClient http, Duration connectTimeout) {
        this.http = http;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public CompletableFuture<Socket> open(URI uri, String bearerToken, Handler handler) {
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        return b.buildAsync(uri, new Listener(handler)).thenApply(JdkSocket::new);
    }

    private static final class JdkSocket implements Socket {
        private final WebSocket ws;

        JdkSocket(WebSocket ws) {
            this.ws = ws;
        }

        @Override
        public void send(String text) {
            // Only the subscribe frame is sent: if it fails, the server closes the unsubscribed
            // socket at its subscribe timeout, and the session reconnects.
            var unused = ws.sendText(text, true);
        }

        @Override
        public void close() {
            var unused = ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye") // aborted in any case: nothing to keep
                    .orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((w, e) -> ws.abort());
        }

        @Override
        public void abort() {
            ws.abort();
        }
    }

    /** Joins fragmented text messages and forwards whole frames. */
    private static final class Listener implements WebSocket.Listener {
        private final Handler handler;
        private final StringBuilder partial = new StringBuilder();

        Listener(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                handler.onText(frame);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            // The protocol sends text frames only; a binary one is ignored rather than fatal.
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            // The JDK answers the ping with a pong itself; we only note that the server is alive.
            handler.onPing();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            handler.onPing();
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            handler.onClosed(statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            handler.onError(error);
        }
    }
}
