// One WebSocket to /ws at a time, with protocol.md's client behaviour for the socket itself:
// subscribe with since = the highest event id seen, reconnect on Backoff's schedule (and no sooner
// than a server's retry_after_ms), the watchdog, reset, and duplicate updates dropped. What the
// frames mean for tasks is the owner's business (LanechatStream).
package dev.lanechat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Runs on the stream's scheduler thread; {@link #lastEventId} and {@link #everReady} may be read
 * from any thread.
 */
final class SocketSession {
    /** What the session tells its owner, on the scheduler's thread. */
    interface Owner {
        /**
         * A subscribe was answered.
         *
         * @param sweep whether no replay covered the time since events were last seen (a first
         *     subscribe, or after a reset): the owner asks for its pending tasks once
         */
        void subscribed(long lastId, boolean sweep);

        /** A new {@code update} event, after {@link #lastEventId} moved past it. */
        void update(Event e, TaskOutcome.Delivery delivery);

        /** A {@code progress} frame. */
        void progress(Event e);

        /** The socket was lost; a reconnect is scheduled right after this (while running). */
        void down();
    }

    private final Scheduler scheduler;
    private final Transport transport;
    private final URI url;
    private final String token;
    private final ObjectMapper json;
    private final Backoff backoff;
    private final long watchdogMs;
    private final Listeners listeners;
    private final Owner owner;

    private boolean running;
    /** Identifies the current socket; callbacks of older sockets are ignored. */
    private long generation;

    private Transport.Socket socket;
    private boolean subscribed;
    private boolean subscribedWithSince;
    private boolean resetSeen;
    /** Whether any subscribe has been answered: from then on the socket covers every new event. */
    private volatile boolean everReady;
    /** The highest event id seen; -1 until the first ready (then subscribe without since). */
    private volatile long lastEventId;

    private long lastFrameAt;
    private long retryAfterMs;
    private Scheduler.Cancellable reconnectTimer;
    private Scheduler.Cancellable watchdogTimer;

    SocketSession(
            Scheduler scheduler,
            Transport transport,
            URI url,
            String token,
            ObjectMapper json,
            Backoff backoff,
            Duration watchdog,
            long since,
            Listeners listeners,
            Owner owner) {
        this.scheduler = scheduler;
        this.transport = transport;
        this.url = url;
        this.token = token;
        this.json = json;
        this.backoff = backoff;
        this.watchdogMs = watchdog.toMillis();
        this.lastEventId = since;
        this.listeners = listeners;
        this.owner = owner;
    }

    boolean subscribed() {
        return subscribed;
    }

    boolean everReady() {
        return everReady;
    }

    long lastEventId() {
        return lastEventId;
    }

    /** Opens the first socket; reconnects on its own from then on. */
    void start() {
        running = true;
        connect();
    }

    /** Closes the socket and stops every timer; callbacks still under way are ignored. */
    void stop() {
        running = false;
        cancel(reconnectTimer);
        cancel(watchdogTimer);
        generation++;
        if (socket != null) {
            socket.close();
            socket = null;
        }
        subscribed = false;
    }

    private void connect() {
        if (!running) {
            return;
        }
        long gen = ++generation;
        // The outcome is handled on the loop; the stage after it carries nothing.
        var unused = transport
                .open(url, token, handler(gen))
                .whenComplete((sock, err) -> scheduler.execute(() -> {
                    if (gen != generation || !running) {
                        if (sock != null) {
                            sock.abort();
                        }
                    } else if (err != null) {
                        disconnected(gen);
                    } else {
                        opened(gen, sock);
                    }
                }));
    }

    private void opened(long gen, Transport.Socket sock) {
        socket = sock;
        backoff.reset();
        lastFrameAt = scheduler.nowMillis();
        armWatchdog(gen, watchdogMs);
        ObjectNode subscribe = json.createObjectNode();
        // A non-browser client sends its API token itself; "stream" means "the upgrade's credentials".
        subscribe.put("token", token != null ? token : "stream");
        subscribedWithSince = lastEventId >= 0;
        if (subscribedWithSince) {
            subscribe.put("since", lastEventId);
        }
        sock.send(subscribe.toString());
    }

    private void disconnected(long gen) {
        if (gen != generation) {
            return;
        }
        generation++;
        if (socket != null) {
            socket.abort();
            socket = null;
        }
        subscribed = false;
        cancel(watchdogTimer);
        owner.down();
        if (!running) {
            return;
        }
        long delay = Math.max(backoff.next().toMillis(), retryAfterMs);
        retryAfterMs = 0;
        reconnectTimer = scheduler.schedule(this::connect, Duration.ofMillis(delay));
    }

    private void armWatchdog(long gen, long inMs) {
        cancel(watchdogTimer);
        watchdogTimer = scheduler.schedule(
                () -> {
                    if (gen != generation) {
                        return;
                    }
                    long silent = scheduler.nowMillis() - lastFrameAt;
                    if (silent >= watchdogMs) {
                        disconnected(gen);
                    } else {
                        armWatchdog(gen, watchdogMs - silent);
                    }
                },
                Duration.ofMillis(inMs));
    }

    private Transport.Handler handler(long gen) {
        return new Transport.Handler() {
            @Override
            public void onText(String frame) {
                scheduler.execute(() -> frame(gen, frame));
            }

            @Override
            public void onPing() {
                scheduler.execute(() -> {
                    if (gen == generation) {
                        lastFrameAt = scheduler.nowMillis();
                    }
                });
            }

            @Override
            public void onClosed(int code, String reason) {
                scheduler.execute(() -> disconnected(gen));
            }

            @Override
            public void onError(Throwable error) {
                scheduler.execute(() -> disconnected(gen));
            }
        };
    }

    private void frame(long gen, String text) {
        if (gen != generation || !running) {
            return;
        }
        lastFrameAt = scheduler.nowMillis();
        Event e;
        try {
            e = json.readValue(text, Event.class);
        } catch (IOException | RuntimeException malformed) {
            return; // Not ours to judge: the server closes on bad frames, we just skip unknown ones.
        }
        if (e.event() == null) {
            return;
        }
        switch (e.event()) {
            case "ready" -> ready(e);
            case "reset" -> {
                resetSeen = true;
                listeners.reset();
            }
            case "update" -> update(e);
            case "progress" -> owner.progress(e);
            case "error" -> {
                JsonNode d = e.data() == null ? json.createObjectNode() : e.data();
                long wait = d.path("retry_after_ms").asLong(0);
                retryAfterMs = Math.max(retryAfterMs, wait);
                listeners.error(e.text("code"), e.text("message"), wait);
            }
            default -> {
                // "ping" only feeds the watchdog; unknown kinds are ignored, as the protocol asks.
            }
        }
    }

    private void ready(Event e) {
        long serverLast = e.data() == null ? 0 : e.data().path("last_id").asLong(0);
        // After a reset the server's ids start over: its last_id, not ours, is the new high mark.
        lastEventId = resetSeen || lastEventId < 0 ? serverLast : Math.max(lastEventId, serverLast);
        boolean sweep = resetSeen || !subscribedWithSince;
        resetSeen = false;
        subscribed = true;
        everReady = true;
        owner.subscribed(lastEventId, sweep);
    }

    private void update(Event e) {
        if (e.id() != null) {
            if (e.id() <= lastEventId) {
                return; // already seen: replay overlapping a live push
            }
            lastEventId = e.id();
        }
        owner.update(e, subscribed ? TaskOutcome.Delivery.PUSH : TaskOutcome.Delivery.REPLAY);
    }

    private static void cancel(Scheduler.Cancellable c) {
        if (c != null) {
            c.cancel();
        }
    }
}
