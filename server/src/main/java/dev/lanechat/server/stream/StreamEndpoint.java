package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.auth.CredentialHolder;
import dev.lanechat.server.auth.OriginPolicy;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.StoreErrors;
import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} endpoint of protocol.md: checks the Origin, the connection cap and the
 * upgrade's credentials, turns Javalin's socket callbacks into {@link Subscription}s registered
 * with the {@link Hub}, and runs the heartbeat and the subscribe timeout. As a
 * {@link CredentialHolder} it closes the sockets whose credential stopped working with 4401.
 */
public final class StreamEndpoint implements CredentialHolder {
    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(70);

    private final Hub hub;
    private final Authenticator authenticator;
    private final OriginPolicy origins;
    private final Frames frames;
    private final ScheduledExecutorService timers;
    private final Duration subscribeTimeout;
    private final Duration pendingSubscribeTimeout;
    private final SocketAdmission admission;
    private final Map<String, SocketAdmission.Place> places = new ConcurrentHashMap<>();
    private final RateLimiter frameLimiter;
    private final Subscription.Context context;
    private final Map<String, Subscription> bySession = new ConcurrentHashMap<>();
    private final long slowSocketLimitNanos;

    public StreamEndpoint(
            Hub hub,
            ProgressRelay progress,
            Authenticator authenticator,
            ObjectMapper json,
            ExecutorService drains,
            ScheduledExecutorService timers,
            Config config,
            ServerMetrics metrics) {
        this.hub = hub;
        this.authenticator = authenticator;
        this.origins = new OriginPolicy(config.allowedOrigins());
        this.frames = new Frames(json);
        this.timers = timers;
        this.subscribeTimeout = config.subscribeTimeout();
        this.pendingSubscribeTimeout = config.pendingSubscribeTimeout();
        this.admission = new SocketAdmission(
                config.maxSockets(),
                config.maxSocketsPerUser(),
                config.maxPendingSockets(),
                config.maxPendingSocketsPerAddress());
        this.frameLimiter =
                new RateLimiter(config.socketFrameBurst(), config.socketFramesPerSecond(), System::nanoTime);
        this.context = new Subscription.Context(
                hub,
                frames,
                json,
                drains,
                progress,
                frameLimiter,
                token -> authenticator.identify(token, null),
                this::admit,
                metrics);
        long every = config.pingInterval().toMillis();
        timers.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        this.slowSocketLimitNanos = config.slowSocketLimit().toNanos();
        timers.scheduleWithFixedDelay(this::closeStalled, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * Registers {@code /ws} and its Jetty limits on a Javalin config. Jetty's message and frame
     * limits are the contract's 64 KiB, so that no socket makes the server buffer more: Jetty
     * itself closes a socket with 1009 at the first frame over them (with no error event before).
     */
    public void register(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> {
            factory.setIdleTimeout(IDLE_TIMEOUT);
            factory.setMaxTextMessageSize(Subscription.MAX_FRAME_BYTES);
            factory.setMaxBinaryMessageSize(Subscription.MAX_FRAME_BYTES);
            factory.setMaxFrameSize(Subscription.MAX_FRAME_BYTES);
        });
        config.routes.ws("/ws", ws -> {
            ws.onConnect(this::connected);
            ws.onMessage(ctx -> withSubscription(ctx, sub -> sub.onText(ctx.message())));
            ws.onBinaryMessage(ctx -> withSubscription(ctx, Subscription::onBinary));
            ws.onClose(ctx -> {
                SocketAdmission.Place place = places.remove(ctx.sessionId());
                if (place != null) {
                    place.release();
                }
                Subscription sub = bySession.remove(ctx.sessionId());
                if (sub != null) {
                    sub.closed();
                    hub.remove(sub);
                    frameLimiter.forget(sub.key());
                }
            });
            ws.onError(ctx -> log.debug("Socket error: {}", StoreErrors.describe(ctx.error())));
        });
    }

    private void connected(WsContext ctx) {
        if (!origins.allows(ctx.header("Origin"), ctx.header("Host"))) {
            reject(ctx, CloseCodes.FORBIDDEN_ORIGIN, "This page's origin may not open Lanechat sockets.", null);
            return;
        }
        String bearer = Authenticator.bearerToken(ctx.header("Authorization"));
        Credential credential =
                authenticator.identify(bearer, ctx.cookie(Authenticator.COOKIE)).orElse(null);
        String userId = credential == null ? null : credential.userId();
        SocketAdmission.Place place = admission.place();
        places.put(ctx.sessionId(), place); // before anything can close the socket: onClose gives it back
        if (userId == null) {
            SocketAdmission.Refusal refusal = place.holdPending(remoteAddress(ctx));
            if (refusal != null) {
                reject(ctx, CloseCodes.OVER_CAPACITY, refusal.message, SocketAdmission.retryAfterMs());
                return;
            }
        }
        // An upgrade that named its user is admitted (or refused) by the Subscription at once, through admit.
        Subscription sub = new Subscription(ctx.session, ctx.sessionId(), credential, context);
        bySession.put(ctx.sessionId(), sub);
        if (!places.containsKey(ctx.sessionId())) {
            bySession.remove(ctx.sessionId()); // closed already (refused by admit): onClose may have run before the put
            return;
        }
        Duration timeout = userId == null ? pendingSubscribeTimeout : subscribeTimeout;
        timers.schedule(sub::checkSubscribed, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A socket names its user (on the upgrade, or by the token of its subscribe frame): it leaves
     * the pending counts and takes a place among the user's and the server's sockets, or is closed
     * with {@code over_capacity} and 1013. True when admitted (and registered with the Hub).
     */
    private boolean admit(Subscription sub) {
        SocketAdmission.Place place = places.get(sub.key());
        SocketAdmission.Refusal refusal =
                place == null ? SocketAdmission.Refusal.SERVER_FULL : place.authenticate(sub.userId());
        if (refusal != null) {
            sub.close(CloseCodes.OVER_CAPACITY, refusal.message, SocketAdmission.retryAfterMs());
            return false;
        }
        hub.add(sub);
        if (!places.containsKey(sub.key())) {
            hub.remove(sub); // closed meanwhile, perhaps before the add: onClose's remove may have missed it
        }
        return true;
    }

    private static String remoteAddress(WsContext ctx) {
        java.net.SocketAddress remote = ctx.session.getRemoteSocketAddress();
        return remote instanceof java.net.InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress()
                : String.valueOf(remote);
    }

    private void reject(WsContext ctx, CloseCodes why, String message, Long retryAfterMs) {
        ctx.session.sendText(
                frames.error(why.errorCode, message, retryAfterMs), org.eclipse.jetty.websocket.api.Callback.NOOP);
        ctx.session.close(why.status, why.errorCode, org.eclipse.jetty.websocket.api.Callback.NOOP);
    }

    private void withSubscription(WsContext ctx, Consumer<Subscription> action) {
        Subscription sub = bySession.get(ctx.sessionId());
        if (sub != null) {
            action.accept(sub);
        }
    }

    /**
     * Closes sockets whose send window stayed full past the limit with 1013 (they resume with
     * since), and cuts them a few seconds later if even the close cannot get through.
     */
    private void closeStalled() {
        try {
            for (Subscription sub : bySession.values()) {
                if (sub.stalledLongerThan(slowSocketLimitNanos)) {
                    log.info("Closing a socket of user {} that stopped reading", sub.userId());
                    sub.close(
                            CloseCodes.OVER_CAPACITY,
                            "This socket reads too slowly; reconnect and resume with since.",
                            1000L);
                    timers.schedule(sub::disconnect, 5, TimeUnit.SECONDS);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Slow-socket check failed: {}", StoreErrors.describeWithPlace(e));
        }
    }

    @Override
    public Set<Credential> held() {
        Set<Credential> held = new HashSet<>();
        for (Subscription sub : bySession.values()) {
            Credential credential = sub.credential();
            if (credential != null && credential.revocable()) {
                held.add(credential);
            }
        }
        return held;
    }

    /** Closes the sockets of these credentials with the {@code unauthenticated} error and 4401. */
    @Override
    public Map<String, Integer> end(Set<Credential> ended) {
        Map<String, Integer> closed = new HashMap<>();
        for (Subscription sub : bySession.values()) {
            Credential credential = sub.credential();
            if (credential != null
                    && ended.contains(credential)
                    && sub.close(
                            CloseCodes.UNAUTHENTICATED,
                            "Your token was revoked or your session ended; sign in again.",
                            null)) {
                closed.merge(credential.userId(), 1, Integer::sum);
            }
        }
        return closed;
    }

    private void heartbeat() {
        try {
            bySession.values().forEach(Subscription::ping);
        } catch (RuntimeException e) {
            log.warn("Heartbeat failed: {}", StoreErrors.describeWithPlace(e));
        }
    }

    /** Closes every socket with 1001 (the server is stopping); clients resume elsewhere or later. */
    public void closeAll() {
        bySession
                .values()
                .forEach(sub ->
                        sub.close(CloseCodes.SHUTTING_DOWN, "The server is shutting down; reconnect shortly.", 1000L));
    }
}
