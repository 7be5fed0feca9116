// A LanechatStream for unit tests, set up the one way the stream's unit tests need it: a manual
// clock, a scripted transport, a Recorder as its listener, and an API nobody listens on (health
// checks fail, so the socket alone decides the status). Jitter is fixed at half its maximum so
// backoff waits are exact.
package dev.lanechat.client;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.function.UnaryOperator;

final class ScriptedStream implements AutoCloseable {
    final ManualScheduler clock = new ManualScheduler();
    final FakeTransport transport = new FakeTransport(clock);
    final Recorder seen = new Recorder();
    final LanechatStream stream;

    ScriptedStream() {
        this(b -> b);
    }

    /** @param tweak further settings of the builder (e.g. {@code since}) */
    ScriptedStream(UnaryOperator<LanechatStream.Builder> tweak) {
        LanechatClient api =
                LanechatClient.builder().url("http://127.0.0.1:" + closedPort()).build();
        LanechatStream.Builder builder = LanechatStream.builder(api)
                .scheduler(clock)
                .random(BackoffTest.fixed(0.5))
                .transport(transport)
                .listener(seen);
        stream = tweak.apply(builder).build();
    }

    /** Starts the stream and waits until the transport has seen {@code n} connection attempts. */
    void startAndAwaitAttempts(int n) {
        stream.start();
        clock.drain();
        await().until(() -> transport.attemptTimes.size() >= n);
    }

    @Override
    public void close() {
        stream.close();
        clock.shutdown();
    }

    /** A port that was free a moment ago, so nothing answers on it. */
    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
