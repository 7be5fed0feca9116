package dev.lanechat.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * The load generator's sockets: Jetty 12's WebSocket client (a few KB a socket, one selector for
 * all), speaking either Lanechat's exchange (also the ws peer's) or Socket.IO's framing of it.
 * Each {@link Stream} is one logical subscriber that may reconnect (with protocol.md's backoff and
 * {@code since}); it checks that event ids arrive gapless and records every update's receipt.
 */
public final class Gen implements AutoCloseable {
    enum Proto {
        PLAIN,
        SOCKETIO
    }

    /**
     * Where and as whom streams subscribe: stream {@code i} of a run is user {@code i % users} and
     * subscribes with {@code tokenOf.apply(user)}.
     */
    record Endpoint(URI uri, Proto proto, int users, java.util.function.IntFunction<String> tokenOf) {
        static Endpoint openMode(URI uri, Proto proto) {
            return new Endpoint(uri, proto, 1, user -> "stream");
        }
    }

    private final HttpClient http;
    private final WebSocketClient ws;
    final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "gen-timer");
        t.setDaemon(true);
        return t;
    });

    Gen(String bindAddress) {
        QueuedThreadPool pool = new QueuedThreadPool(32, 4);
        pool.setName("gen-ws");
        pool.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(pool);
        http.setConnectTimeout(30_000);
        http.setMaxConnectionsPerDestination(1_000_000);
        http.setMaxRequestsQueuedPerDestination(1_000_000); // a reconnect storm queues every socket at once
        if (bindAddress != null) {
            http.setBindAddress(new InetSocketAddress(bindAddress, 0));
        }
        ws = new WebSocketClient(http);
        ws.setIdleTimeout(Duration.ofMinutes(10));
        ws.setMaxTextMessageSize(4 << 20);
        try {
            http.start();
            ws.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client", e);
        }
    }

    /**
     * How long a (re)connect may take from the TCP connect to {@code ready}; then it is abandoned and
     * retried with the backoff. Without it a handshake accepted by a server that then stalls (a JVM
     * stopping, a full accept queue) would wait for the 10-minute idle timeout.
     */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);

    /** One subscriber. */
    class Stream {
        final URI uri;
        final Proto proto;
        final String token;
        final int user;
        volatile Recorder recorder;
        volatile boolean reconnect;
        volatile boolean stopped;
        volatile Session session;
        volatile SocketListener current;
        volatile long lastId = -1; // -1: never subscribed
        volatile long readyAtNanos;
        final AtomicLong readies = new AtomicLong();
        final AtomicLong updates = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong closes = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        /** Error frames {@code over_capacity}: the server turned this socket away (and said when to retry). */
        final AtomicLong overCapacity = new AtomicLong();

        final AtomicLong handshakeTimeouts = new AtomicLong();
        volatile String lastError;
        volatile boolean live;
        /** No reconnect before this (System.nanoTime): an error frame's retry_after_ms. */
        private volatile long notBeforeNanos;

        private int attempt;

        Stream(Endpoint endpoint, int user, Recorder recorder) {
            this.uri = endpoint.uri();
            this.proto = endpoint.proto();
            this.recorder = recorder;
            this.user = user;
            this.token = endpoint.tokenOf().apply(user);
            this.notBeforeNanos = System.nanoTime(); // nanoTime may be negative: never compare with 0
        }

        void open() {
            try {
                SocketListener listener = new SocketListener(this);
                current = listener;
                // Lanechat's API tokens (lc_…) also go on the upgrade, as protocol.md E6 asks of
                // clients that can: a socket that authenticates only in its subscribe frame is
                // pending meanwhile, and the server takes at most 16 pending sockets per address
                // (all of the generator's come from one), so 34 of 50 were refused at once.
                ClientUpgradeRequest upgrade = new ClientUpgradeRequest();
                if (token.startsWith("lc_")) {
                    upgrade.setHeader("Authorization", "Bearer " + token);
                }
                java.util.concurrent.CompletableFuture<Session> connecting = ws.connect(listener, uri, upgrade);
                var unusedOutcome = connecting.whenComplete((s, e) -> {
                    if (listener.dead) {
                        return;
                    }
                    if (e != null) {
                        listener.dead = true;
                        lastError = String.valueOf(e.getCause() == null ? e : e.getCause());
                        dropped();
                    }
                });
                var unusedDeadline = timers.schedule(
                        () -> abandonIfNotReady(listener, connecting),
                        HANDSHAKE_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                lastError = e.toString();
                dropped();
            }
        }

        private void abandonIfNotReady(
                SocketListener listener, java.util.concurrent.CompletableFuture<Session> connecting) {
            if (listener.dead || listener.ready) {
                return;
            }
            listener.dead = true;
            handshakeTimeouts.incrementAndGet();
            lastError = "no ready within " + HANDSHAKE_TIMEOUT.toSeconds() + " s";
            connecting.cancel(true);
            Session s = session;
            if (s != null && current == listener) {
                session = null;
                s.disconnect();
            }
            dropped();
        }

        /** protocol.md: a client waits at least an error frame's retry_after_ms before its next try. */
        void retryAfter(long ms) {
            if (ms > 0) {
                notBeforeNanos = System.nanoTime() + ms * 1_000_000;
            }
        }

        void dropped() {
            live = false;
            if (reconnect && !stopped) {
                // protocol.md: 1 s, 2 s, 4 s … capped at 30 s, each plus at most 20 % jitter, and
                // not before a retry_after_ms the server gave (as the web and Java clients do)
                long base = Math.min(30_000, 1000L << Math.min(attempt, 5));
                attempt++;
                long backoff =
                        base + (long) (base * 0.2 * ThreadLocalRandom.current().nextDouble());
                long wait = Math.max(backoff, (notBeforeNanos - System.nanoTime()) / 1_000_000);
                var unused = timers.schedule(this::open, wait, TimeUnit.MILLISECONDS);
            }
        }

        void subscribe(Session s) {
            String body = "{\"token\":\"" + token + "\"" + (lastId >= 0 ? ",\"since\":" + lastId : "") + "}";
            s.sendText(proto == Proto.PLAIN ? body : "42[\"subscribe\"," + body + "]", Callback.NOOP);
        }

        void onReady(long last) {
            if (lastId < 0) {
                lastId = last; // a fresh subscriber starts at the newest event
            }
            attempt = 0;
            readyAtNanos = System.nanoTime();
            live = true;
            readies.incrementAndGet();
        }

        void onUpdate(long id, String frame) {
            long micros = nowMicros();
            updates.incrementAndGet();
            long last = lastId;
            if (last >= 0 && id <= last) {
                duplicates.incrementAndGet();
                return;
            }
            if (last >= 0 && id != last + 1) {
                gaps.addAndGet(id - last - 1);
            }
            lastId = id;
            if (recorder != null) {
                recorder.update(user, id, frame, micros);
            }
        }

        /** Drops the connection abruptly (no close handshake); the stream reconnects if it is set to. */
        void cut() {
            SocketListener l = current;
            Session s = session;
            if (l == null || s == null) {
                return;
            }
            l.dead = true; // Jetty may report nothing for an abrupt disconnect: reconnect from here
            session = null;
            s.disconnect();
            closes.incrementAndGet();
            dropped();
        }

        void close() {
            stopped = true;
            Session s = session;
            if (s != null && s.isOpen()) {
                s.close(1000, "bench done", Callback.NOOP);
            }
        }
    }

    static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /**
     * Opens {@code n} streams, at most {@code inFlight} handshakes at once, and waits until each is
     * ready or failed, or {@code timeout} passes. Returns them (check {@link Stream#live}); stream
     * {@code i} is user {@code i % endpoint.users()}.
     */
    List<Stream> openMany(
            Endpoint endpoint, int n, Recorder recorder, int inFlight, Duration timeout, boolean reconnect)
            throws InterruptedException {
        List<Stream> streams = new ArrayList<>(n);
        Semaphore slots = new Semaphore(inFlight);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
            if (!slots.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            Stream s = new Stream(endpoint, i % endpoint.users(), recorder) {
                @Override
                void onReady(long last) {
                    boolean first = readies.get() == 0;
                    super.onReady(last);
                    if (first) {
                        slots.release();
                    }
                }

                @Override
                void dropped() {
                    if (readies.get() == 0 && !reconnect) {
                        slots.release();
                    }
                    super.dropped();
                }
            };
            s.reconnect = reconnect;
            streams.add(s);
            s.open();
        }
        // A stream is settled once it was ready (even if it dropped since), or, if it does not
        // reconnect, once it failed; a reconnecting one keeps trying until the deadline.
        while (System.nanoTime() < deadline
                && streams.stream().anyMatch(s -> s.readies.get() == 0 && (reconnect || s.lastError == null))) {
            Thread.sleep(50);
        }
        return streams;
    }

    /** One stream of {@code endpoint}, subscribed within 20 s, or an IllegalStateException naming {@code who}. */
    Stream subscribeOne(Endpoint endpoint, Recorder recorder, String who) throws InterruptedException {
        List<Stream> s = openMany(endpoint, 1, recorder, 1, Duration.ofSeconds(20), false);
        if (!s.get(0).live) {
            throw new IllegalStateException(who + ": the socket did not subscribe: " + s.get(0).lastError);
        }
        return s.get(0);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        try {
            ws.stop();
            http.stop();
        } catch (Exception e) {
            // best effort
        }
    }
}
