// Test transport: records each open attempt at the scheduler's time; the test decides whether
// opens succeed and plays the server's frames into the handler.
package dev.lanechat.client;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

final class FakeTransport implements Transport {
    final List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    final List<FakeSocket> sockets = new CopyOnWriteArrayList<>();
    private final ManualScheduler clock;
    volatile boolean accept;

    FakeTransport(ManualScheduler clock) {
        this.clock = clock;
    }

    @Override
    public CompletableFuture<Socket> open(URI uri, String bearerToken, Handler handler) {
        attemptTimes.add(clock.nowMillis());
        if (!accept) {
            return CompletableFuture.failedFuture(new ConnectException("refused (fake)"));
        }
        FakeSocket s = new FakeSocket(handler);
        sockets.add(s);
        return CompletableFuture.completedFuture(s);
    }

    FakeSocket last() {
        return sockets.get(sockets.size() - 1);
    }

    static final class FakeSocket implements Socket {
        final Handler handler;
        final List<String> sent = new CopyOnWriteArrayList<>();
        volatile boolean aborted;

        FakeSocket(Handler handler) {
            this.handler = handler;
        }

        @Override
        public void send(String text) {
            sent.add(text);
        }

        @Override
        public void close() {
            aborted = true;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        /** The server sends a frame. */
        void frame(String json) {
            handler.onText(json);
        }
    }
}
