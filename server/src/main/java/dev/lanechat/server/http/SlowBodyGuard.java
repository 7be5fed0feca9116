package dev.lanechat.server.http;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Drops clients that send a request body too slowly, so that they cannot hold a server thread
 * (a handler blocked in a body read) for long: while a read of the body waits for bytes, the
 * connection's idle timeout is the body read timeout (Jetty then fails the read and closes the
 * connection); and once the body has been arriving for longer than that timeout, it must average
 * at least {@link #MIN_BYTES_PER_SECOND}, else the next read fails at once. A failed read reaches
 * the handler as an {@code IOException}. Nothing is read here: a body nobody reads costs nothing.
 */
public final class SlowBodyGuard extends Handler.Wrapper {
    /** 1 KiB/s: 64 KiB (the body limit of most calls) in about a minute, even on a poor link. */
    static final long MIN_BYTES_PER_SECOND = 1024;

    private final long readTimeoutMs;

    public SlowBodyGuard(Duration readTimeout) {
        this.readTimeoutMs = readTimeout.toMillis();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(new GuardedRequest(request), response, callback);
    }

    private final class GuardedRequest extends Request.Wrapper {
        /** When the body was first waited for (System.nanoTime), or 0. */
        private long firstDemandNanos;

        private long bytesRead;
        private volatile Content.Chunk tooSlow;

        GuardedRequest(Request request) {
            super(request);
        }

        @Override
        public Content.Chunk read() {
            Content.Chunk failed = tooSlow;
            if (failed != null) {
                return failed;
            }
            Content.Chunk chunk = super.read();
            if (chunk != null) {
                bytesRead += chunk.remaining();
            }
            return chunk;
        }

        @Override
        public void demand(Runnable demandCallback) {
            long now = System.nanoTime();
            if (firstDemandNanos == 0) {
                firstDemandNanos = now;
            }
            long elapsedMs = (now - firstDemandNanos) / 1_000_000;
            if (elapsedMs > readTimeoutMs && bytesRead * 1000 / elapsedMs < MIN_BYTES_PER_SECOND) {
                tooSlow = Content.Chunk.from(
                        new TimeoutException("request body arrives slower than " + MIN_BYTES_PER_SECOND + " bytes/s"),
                        true);
                demandCallback.run();
                return;
            }
            // Only while this read waits: between requests and while a handler works (a long poll)
            // the connector's own idle timeout applies.
            EndPoint endPoint = getConnectionMetaData().getConnection().getEndPoint();
            long normal = endPoint.getIdleTimeout();
            endPoint.setIdleTimeout(Math.min(normal <= 0 ? Long.MAX_VALUE : normal, readTimeoutMs));
            super.demand(() -> {
                endPoint.setIdleTimeout(normal);
                demandCallback.run();
            });
        }
    }
}
