package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.StoreErrors;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One socket, and its Jetty endpoint: a cursor into its user's event log. The subscribe, the replay, {@code ready} and
 * every live event are sent by one serialized drain (never two at once), so replay and live
 * events cannot interleave or skip. At most {@link #WINDOW} frames wait in Jetty's queue; beyond
 * that the socket simply lags behind its cursor and catches up as frames go out. It remembers the
 * credential it was opened with, so that a revocation or a log-out can close it later. It keeps
 * nothing of the upgrade request; its frame limiter is made at its second frame (the first is the
 * subscribe).
 *
 * <p>Over 300 lines as one mechanism: one socket's state machine (awaiting subscribe, subscribing,
 * replaying, live, closed) and the drain and window that move it; split, each part would have to
 * reach into the state the others change.
 */
public final class Subscription extends TextSocket {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);
    static final int MAX_FRAME_BYTES = MAX_MESSAGE_BYTES;
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
            StreamEndpoint endpoint,
            Hub hub,
            Frames frames,
            ObjectMapper json,
            Executor drains,
            ProgressRelay progress,
            RateLimiter frameLimiter,
            Function<String, Optional<Credential>> credentialOfToken,
            ServerMetrics metrics) {}

    private static final VarHandle DRAINING;
    private static final VarHandle IN_FLIGHT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            DRAINING = lookup.findVarHandle(Subscription.class, "draining", boolean.class);
            IN_FLIGHT = lookup.findVarHandle(Subscription.class, "inFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Context context;
    /** Closed at once when it opens (a foreign origin), else null. */
    private final CloseCodes refused;

    private volatile String userId;
    private volatile Credential credential;
    private SocketAdmission.Place place;
    /** Made at the second frame the client sends (most sockets only ever send the subscribe). */
    private RateLimiter.Bucket frameBucket;

    // The lock of this object is held while a frame is handed to Jetty and while closing, so that
    // nothing follows the closing error frame.
    @SuppressWarnings("UnusedVariable") // read and set through DRAINING, a VarHandle
    private volatile boolean draining;

    private volatile int inFlight; // frames handed to Jetty and not yet written, through IN_FLIGHT
    /** When the window last filled up and stayed full (System.nanoTime), or 0. */
    private volatile long fullSinceNanos;

    private volatile boolean dirty;
    private volatile State state = State.AWAITING_SUBSCRIBE;
    private volatile long since = -1; // -1: none
    /** When the subscribe timeout ends (System.nanoTime), or 0 before it starts. */
    private volatile long subscribeBy;

    private long cursor;
    private long replayUpTo;

    /**
     * @param credential what the upgrade request authenticated with, or null to expect a token in the subscribe
     * @param refused why it is closed as soon as it opens, or null
     */
    Subscription(Credential credential, CloseCodes refused, Context context) {
        this.context = context;
        this.refused = refused;
        this.credential = credential;
        this.userId = credential == null ? null : credential.userId();
    }

    @Override
    void opened() {
        context.endpoint().opened(this, refused);
    }

    @Override
    void onClosed() {
        state = State.CLOSED;
        context.endpoint().closed(this, place);
    }

    @Override
    void onFailure(Throwable cause) {
        log.debug("Socket error: {}", StoreErrors.describe(cause));
    }

    void hold(SocketAdmission.Place place) {
        this.place = place;
    }

    SocketAdmission.Place place() {
        return place;
    }

    /** The client's address, for the pending caps. */
    String remoteAddress() {
        java.net.SocketAddress remote = session().getRemoteAddress();
        return remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(remote);
    }

    /** The Hub's one copy of the user id string (one per user, not one per socket). */
    void useUserId(String canonical) {
        userId = canonical;
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
    @Override
    void onText(String text) {
        if (state == State.CLOSED) {
            return;
        }
        long waitMs = 0;
        if (frameBucket != null) {
            waitMs = context.frameLimiter().acquire(frameBucket);
        } else if (state != State.AWAITING_SUBSCRIBE) {
            frameBucket = context.frameLimiter().bucketAfterOne(); // the subscribe took the first token
            waitMs = context.frameLimiter().acquire(frameBucket);
        }
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
            frame = context.json().readTree(text);
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
            if (!context.endpoint().admit(this)) {
                return; // over a cap: closed with over_capacity
            }
        }
        since = sinceNode == null || sinceNode.isNull() ? -1 : sinceNode.asLong();
        if (advance(State.AWAITING_SUBSCRIBE, State.SUBSCRIBING)) {
            wake();
        }
    }

    @Override
    void onBinary() {
        close(CloseCodes.INVALID_FRAME, "Binary frames are not part of the protocol; send JSON text.", null);
    }

    /** Starts the subscribe timeout (checked by the endpoint's tick). */
    void subscribeWithin(long nanos) {
        subscribeBy = System.nanoTime() + nanos;
    }

    /** Closes after the subscribe timeout if the client never subscribed. */
    void checkSubscribed(long nowNanos) {
        long by = subscribeBy;
        if (by != 0 && nowNanos - by >= 0 && state == State.AWAITING_SUBSCRIBE) {
            close(
                    CloseCodes.SUBSCRIBE_TIMEOUT,
                    "No subscribe frame arrived in time; send {\"token\":\"stream\"} first.",
                    null);
        }
    }

    void ping() {
        if (state == State.LIVE && session().isOutputOpen()) {
            send(SharedFrame.PING);
            session().sendFrame(new Frame(OpCode.PING), Callback.NOOP, false);
        }
    }

    /** A preview frame: sent only to a live socket with room in its window, else dropped (offset shows the gap). */
    void sendProgress(SharedFrame frame) {
        if (state == State.LIVE && inFlight < WINDOW && session().isOutputOpen()) {
            send(frame);
        }
    }

    /**
     * Sends the error event for {@code why}, then closes with its code. No frame follows the error:
     * a drain running at the same time sends its next frame before it or not at all. False when it
     * was closed already.
     */
    boolean close(CloseCodes why, String message, Long retryAfterMs) {
        synchronized (this) {
            if (state == State.CLOSED) {
                return false;
            }
            state = State.CLOSED;
            if (session().isOutputOpen()) {
                session()
                        .sendFrame(
                                new Frame(OpCode.TEXT, context.frames().error(why.errorCode, message, retryAfterMs)),
                                Callback.NOOP,
                                true); // batched: the close frame below flushes both in one write
                session().close(why.status, why.errorCode, Callback.NOOP);
            }
            return true;
        }
    }

    /** New events may be there: drain, unless a drain is already running (it will look again). */
    void wake() {
        dirty = true;
        if (DRAINING.compareAndSet(this, false, true)) {
            context.drains().execute(this::drain);
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
                session().close(CloseCodes.STORE_ERROR.status, "store error", Callback.NOOP);
                state = State.CLOSED;
            }
            draining = false;
            if (!dirty || !DRAINING.compareAndSet(this, false, true)) {
                return;
            }
        }
    }

    private void drainOnce() {
        if (state == State.SUBSCRIBING) {
            EventLog.Bounds bounds = context.hub().bounds(userId);
            long from = since;
            if (from >= 0 && !bounds.canResumeFrom(from)) {
                send(SharedFrame.RESET);
            }
            cursor = from < 0 || !bounds.canResumeFrom(from) ? bounds.newest() : from;
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
            send(SharedFrame.of(Frames.ready(replayUpTo)));
            // Live from here, first with one snapshot progress frame per task of the user that
            // streams on this node (E13): the switch and the snapshots run under the relay's lock.
            if (!context.progress()
                    .goLive(userId, () -> advance(State.REPLAYING, State.LIVE), text -> send(SharedFrame.of(text)))) {
                return;
            }
        }
        if (state == State.LIVE) {
            sendEvents(Long.MAX_VALUE);
        }
    }

    /** Sends the events after the cursor up to {@code upTo}, while the window has room. */
    private void sendEvents(long upTo) {
        while (cursor < upTo && inFlight < WINDOW && session().isOutputOpen() && state != State.CLOSED) {
            List<SharedFrame> frames = context.hub().eventsAfter(userId, cursor, WINDOW - inFlight);
            if (frames.isEmpty()) {
                return;
            }
            for (SharedFrame frame : frames) {
                long id = frame.event().id();
                if (id > upTo) {
                    return;
                }
                send(frame);
                cursor = id;
            }
        }
    }

    /** Moves from {@code from} to {@code to}, unless it was closed meanwhile (a close is final). */
    private boolean advance(State from, State to) {
        synchronized (this) {
            if (state != from) {
                return false;
            }
            state = to;
            return true;
        }
    }

    private void send(SharedFrame frame) {
        Event event = frame.event();
        synchronized (this) {
            if (state == State.CLOSED) {
                return; // closed (revoked, too slow, shutting down…): not one more frame
            }
            if ((int) IN_FLIGHT.getAndAdd(this, 1) + 1 >= WINDOW && fullSinceNanos == 0) {
                fullSinceNanos = System.nanoTime();
            }
            session()
                    .sendFrame(
                            new Frame(OpCode.TEXT, frame.payload()),
                            Callback.from(
                                    () -> {
                                        context.metrics().written(event);
                                        sent();
                                    },
                                    failure -> {
                                        if ((int) IN_FLIGHT.getAndAdd(this, -1) - 1 < WINDOW) {
                                            fullSinceNanos = 0;
                                        }
                                        log.debug(
                                                "Socket of user {}: send failed: {}",
                                                userId,
                                                StoreErrors.describe(failure));
                                    }),
                            false);
        }
    }

    private void sent() {
        int left = (int) IN_FLIGHT.getAndAdd(this, -1) - 1;
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
        try {
            session().abort(); // also after a close that is stuck behind unread frames (isOpen is false then)
        } catch (RuntimeException e) {
            log.warn("Dropping a socket of user {} failed: {}", userId, StoreErrors.describeWithPlace(e));
        }
    }
}
