package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.StoreErrors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket: a cursor into its user's event log. The subscribe, the replay, {@code ready} and
 * every live event are sent by one serialized drain (never two at once), so replay and live
 * events cannot interleave or skip. At most {@link #WINDOW} frames wait in Jetty's queue; beyond
 * that the socket simply lags behind its cursor and catches up as frames go out. It remembers the
 * credential it was opened with, so that a revocation or a log-out can close it later.
 */
final class Subscription {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);
    static final int MAX_FRAME_BYTES = 64 * 1024;
    private static final int WINDOW = 64;

    private enum State {
        AWAITING_SUBSCRIBE,
        SUBSCRIBING,
        REPLAYING,
        LIVE,
        CLOSED
    }

    /** What a subscription needs from its endpoint, shared by all of them. */
    record Context(
            Hub hub,
            Frames frames,
            ObjectMapper json,
            Executor drains,
            RateLimiter frameLimiter,
            Function<String, Optional<Credential>> credentialOfToken,
            Predicate<Subscription> onAuthenticated,
            ServerMetrics metrics) {}

    private final Session session;
    private final String key;
    private final Context context;
    private final Hub hub;
    private final Frames frames;
    private final ObjectMapper json;
    private final Executor drains;
    private volatile String userId;
    private volatile Credential credential;
    /** Held while a frame is handed to Jetty and while closing, so that nothing follows the closing error frame. */
    private final Object sendLock = new Object();

    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger inFlight = new AtomicInteger();
    /** When the window last filled up and stayed full (System.nanoTime), or 0. */
    private volatile long fullSinceNanos;

    private volatile boolean dirty;
    private volatile State state = State.AWAITING_SUBSCRIBE;
    private volatile Long since;
    private long cursor;
    private long replayUpTo;

    /** @param credential what the upgrade request authenticated with, or null to expect a token in the subscribe */
    Subscription(Session session, String key, Credential credential, Context context) {
        this.session = session;
        this.key = key;
        this.context = context;
        this.hub = context.hub();
        this.frames = context.frames();
        this.json = context.json();
        this.drains = context.drains();
        this.credential = credential;
        this.userId = credential == null ? null : credential.userId();
        if (credential != null && !context.onAuthenticated().test(this)) {
            return; // refused (over a cap): closed already
        }
    }

    String key() {
        return key;
    }

    String userId() {
        return userId;
    }

    /** The credential it authenticated with (null until it did, and once it is closed: nothing left to check). */
    Credential credential() {
        return state == State.CLOSED ? null : credential;
    }

    boolean subscribed() {
        return state == State.SUBSCRIBING || state == State.REPLAYING || state == State.LIVE;
    }

    /** A text frame from the client: the subscribe first, then anything (ignored if it is a JSON object). */
    void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        long waitMs = context.frameLimiter().acquire(key);
        if (waitMs > 0) {
            close(CloseCodes.RATE_LIMITED, "Too many frames; slow down.", Math.max(1000, waitMs));
            return;
        }
        if (text.length() > MAX_FRAME_BYTES / 4 && text.getBytes(StandardCharsets.UTF_8).length > MAX_FRAME_BYTES) {
            close(CloseCodes.TOO_LARGE, "A frame may carry at most 64 KiB.", null);
            return;
        }
        JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (Exception e) {
            frame = null;
        }
        if (frame == null || !frame.isObject()) {
            close(CloseCodes.INVALID_FRAME, "Frames must be JSON objects, such as {\"token\":\"stream\"}.", null);
            return;
        }
        if (state != State.AWAITING_SUBSCRIBE) {
            return; // a repeated subscribe, or a frame of a later protocol version: ignored
        }
        JsonNode token = frame.get("token");
        JsonNode sinceNode = frame.get("since");
        if (token == null || !token.isTextual()) {
            close(
                    CloseCodes.INVALID_FRAME,
                    "The first frame must be {\"token\":\"stream\"} with an optional \"since\".",
                    null);
            return;
        }
        if (sinceNode != null
                && !sinceNode.isNull()
                && !(sinceNode.canConvertToExactIntegral() && sinceNode.asLong() >= 0)) {
            close(CloseCodes.INVALID_FRAME, "\"since\" must be a non-negative whole number (an event id).", null);
            return;
        }
        if (userId == null) {
            Optional<Credential> shown = "stream".equals(token.asText())
                    ? Optional.empty()
                    : context.credentialOfToken().apply(token.asText());
            if (shown.isEmpty()) {
                close(
                        CloseCodes.UNAUTHENTICATED,
                        "Sign in first: send a valid API token, or log in on the page.",
                        null);
                return;
            }
            credential = shown.get();
            userId = credential.userId();
            if (!context.onAuthenticated().test(this)) {
                return; // over a cap: closed with over_capacity
            }
        }
        since = sinceNode == null || sinceNode.isNull() ? null : sinceNode.asLong();
        if (advance(State.AWAITING_SUBSCRIBE, State.SUBSCRIBING)) {
            wake();
        }
    }

    void onBinary() {
        close(CloseCodes.INVALID_FRAME, "Binary frames are not part of the protocol; send JSON text.", null);
    }

    /** Closes after the subscribe timeout if the client never subscribed. */
    void checkSubscribed() {
        if (state == State.AWAITING_SUBSCRIBE) {
            close(
                    CloseCodes.SUBSCRIBE_TIMEOUT,
                    "No subscribe frame arrived in time; send {\"token\":\"stream\"} first.",
                    null);
        }
    }

    void ping() {
        if (state == State.LIVE && session.isOpen()) {
            send(Frames.PING);
            session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
    }

    /** A preview frame: sent only to a live socket with room in its window, else dropped (offset shows the gap). */
    void sendProgress(String frame) {
        if (state == State.LIVE && inFlight.get() < WINDOW && session.isOpen()) {
            send(frame);
        }
    }

    /**
     * Sends the error event for {@code why}, then closes with its code. No frame follows the error:
     * a drain running at the same time sends its next frame before it or not at all. False when it
     * was closed already.
     */
    boolean close(CloseCodes why, String message, Long retryAfterMs) {
        synchronized (sendLock) {
            if (state == State.CLOSED) {
                return false;
            }
            state = State.CLOSED;
            if (session.isOpen()) {
                session.sendText(frames.error(why.errorCode, message, retryAfterMs), Callback.NOOP);
                session.close(why.status, why.errorCode, Callback.NOOP);
            }
            return true;
        }
    }

    void closed() {
        state = State.CLOSED;
    }

    /** New events may be there: drain, unless a drain is already running (it will look again). */
    void wake() {
        dirty = true;
        if (draining.compareAndSet(false, true)) {
            drains.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            dirty = false;
            try {
                drainOnce();
            } catch (RuntimeException e) {
                log.warn(
                        "Socket of user {}: could not read events ({}); closing it so that it resumes",
                        userId,
                        StoreErrors.describe(e));
                session.close(CloseCodes.STORE_ERROR.status, "store error", Callback.NOOP);
                state = State.CLOSED;
            }
            draining.set(false);
            if (!dirty || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void drainOnce() {
        if (state == State.SUBSCRIBING) {
            EventLog.Bounds bounds = hub.bounds(userId);
            Long from = since;
            if (from != null && !bounds.canResumeFrom(from)) {
                send(Frames.RESET);
            }
            cursor = from == null || !bounds.canResumeFrom(from) ? bounds.newest() : from;
            replayUpTo = bounds.newest();
            if (!advance(State.SUBSCRIBING, State.REPLAYING)) {
                return;
            }
        }
        if (state == State.REPLAYING) {
            sendEvents(replayUpTo);
            if (cursor < replayUpTo) {
                return; // the window is full; the rest of the replay follows as frames go out
            }
            send(Frames.ready(replayUpTo));
            if (!advance(State.REPLAYING, State.LIVE)) {
                return;
            }
        }
        if (state == State.LIVE) {
            sendEvents(Long.MAX_VALUE);
        }
    }

    /** Sends the events after the cursor up to {@code upTo}, while the window has room. */
    private void sendEvents(long upTo) {
        while (cursor < upTo && inFlight.get() < WINDOW && session.isOpen() && state != State.CLOSED) {
            List<Event> events = hub.eventsAfter(userId, cursor, WINDOW - inFlight.get());
            if (events.isEmpty()) {
                return;
            }
            for (Event event : events) {
                if (event.id() > upTo) {
                    return;
                }
                send(event.frame(), event);
                cursor = event.id();
            }
        }
    }

    /** Moves from {@code from} to {@code to}, unless it was closed meanwhile (a close is final). */
    private boolean advance(State from, State to) {
        synchronized (sendLock) {
            if (state != from) {
                return false;
            }
            state = to;
            return true;
        }
    }

    private void send(String frame) {
        send(frame, null);
    }

    private void send(String frame, Event event) {
        synchronized (sendLock) {
            if (state == State.CLOSED) {
                return; // closed (revoked, too slow, shutting down…): not one more frame
            }
            if (inFlight.incrementAndGet() >= WINDOW && fullSinceNanos == 0) {
                fullSinceNanos = System.nanoTime();
            }
            session.sendText(
                    frame,
                    Callback.from(
                            () -> {
                                context.metrics().written(event);
                                sent();
                            },
                            failure -> {
                                if (inFlight.decrementAndGet() < WINDOW) {
                                    fullSinceNanos = 0;
                                }
                                log.debug("Socket of user {}: send failed: {}", userId, StoreErrors.describe(failure));
                            }));
        }
    }

    private void sent() {
        int left = inFlight.decrementAndGet();
        if (left < WINDOW) {
            fullSinceNanos = 0;
        }
        // A full window stopped the drain: resume it once half the window went out.
        if (left == WINDOW / 2) {
            wake();
        }
    }

    /**
     * Whether this socket's window has been full for longer than {@code limitNanos}: its reader is
     * stuck or far too slow, and holding its frames would only grow the server's memory.
     */
    boolean stalledLongerThan(long limitNanos) {
        long since = fullSinceNanos;
        return since != 0 && System.nanoTime() - since > limitNanos && state != State.CLOSED;
    }

    /** Cuts the connection without a closing handshake (for a peer that no longer reads). */
    void disconnect() {
        session.disconnect(); // also after a close that is stuck behind unread frames (isOpen is false then)
    }
}
