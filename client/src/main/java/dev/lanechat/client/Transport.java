// The seam between the stream's logic and the WebSocket it runs on, so tests can drive frames.
package dev.lanechat.client;

import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens sockets for the stream. The JDK implementation is {@link JdkTransport}. */
interface Transport {
    /**
     * Opens a socket; the future completes when it is open, or exceptionally when it cannot be.
     */
    CompletableFuture<Socket> open(URI uri, String bearerToken, Handler handler);

    /** An open socket. */
    interface Socket {
        /** Sends one text frame. */
        void send(String text);

        /** Closes with a normal close frame, then drops the connection. */
        void close();

        /** Drops the connection at once (a dead socket answers no close handshake). */
        void abort();
    }

    /** What a socket hears; called from I/O threads. */
    interface Handler {
        void onText(String frame);

        /** A WebSocket-level ping or pong: proof of life for the watchdog. */
        void onPing();

        void onClosed(int code, String reason);

        void onError(Throwable error);
    }
}
