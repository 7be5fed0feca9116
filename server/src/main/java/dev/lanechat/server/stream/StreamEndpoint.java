package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.auth.CredentialHolder;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.store.StoreErrors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} endpoint of protocol.md, served by Jetty's core WebSocket API (its
 * {@link WebSocketUpgradeHandler} in front of Javalin's handlers): {@link SocketUpgrade} checks
 * the Host and the Origin and reads the upgrade's credentials, then nothing of the request is kept;
 * each socket's {@link Subscription} is its endpoint. Once open it takes a place under the connection
 * caps, is registered with the {@link Hub}, and must subscribe in time. As a
 * {@link CredentialHolder} it closes the sockets whose credential stopped working with 4401.
 */
public final class StreamEndpoint implements CredentialHolder {
    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);
    private static final int CLOSE_THREADS = 4;
    private static final long CLOSE_WAIT_S = 30;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(70);

    private final Hub hub;
    private final SocketUpgrade upgrade;
    private final ScheduledExecutorService timers;
    private final Duration subscribeTimeout;
    private final Duration pendingSubscribeTimeout;
    private final SocketAdmission admission;
    private final Subscription.Context context;
    /** Every open socket (heartbeat, stall check, credential checks, shutdown). */
    private final Set<Subscription> open = ConcurrentHashMap.newKeySet();

    private final long slowSocketLimitNanos;
    /** The one timer of every socket: each tick checks deadlines and pings one slice of the sockets. */
    private final long tickMs;
    /** How many ticks make a ping interval: each socket is pinged at the tick of its own slot. */
    private final int pingSlots;

    private long ticks;
    private ScheduledFuture<?> ticking;

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
        this.timers = timers;
        this.subscribeTimeout = config.subscribeTimeout();
        this.pendingSubscribeTimeout = config.pendingSubscribeTimeout();
        this.admission = new SocketAdmission(
                config.maxSockets(),
                config.maxSocketsPerUser(),
                config.maxPendingSockets(),
                config.maxPendingSocketsPerAddress());
        RateLimiter frameLimiter =
                new RateLimiter(config.socketFrameBurst(), config.socketFramesPerSecond(), System::nanoTime);
        this.context = new Subscription.Context(
                this,
                hub,
                new Frames(json),
                json,
                drains,
                progress,
                frameLimiter,
                token -> authenticator.identify(token, null),
                metrics);
        this.upgrade = new SocketUpgrade(authenticator, config, json, context);
        this.slowSocketLimitNanos = config.slowSocketLimit().toNanos();
        long ping = Math.max(1, config.pingInterval().toMillis());
        long shortestTimeout = Math.min(subscribeTimeout.toMillis(), pendingSubscribeTimeout.toMillis());
        this.tickMs = Math.max(20, Math.min(1000, Math.min(ping / 4, shortestTimeout / 5)));
        this.pingSlots = (int) Math.max(1, Math.round((double) ping / tickMs));
    }

    /** Starts the one timer of every socket (the server does, once it is wired); its tick logs its own failures. */
    public synchronized void start() {
        if (ticking != null) {
            throw new IllegalStateException("the socket timer is already started");
        }
        ticking = timers.scheduleWithFixedDelay(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Jetty's upgrade handler for {@code /ws}, to put in front of Javalin's handlers (other
     * requests pass through). Jetty's frame limit is the contract's 64 KiB, as is the message limit
     * of {@link TextSocket}, so that no socket makes the server buffer more: the socket is closed
     * with 1009 at the first frame over them (before the endpoint sees it); invalid UTF-8 with 1007.
     */
    public Handler.Wrapper upgradeHandler(Server server) {
        WebSocketUpgradeHandler handler =
                new WebSocketUpgradeHandler(WebSocketServerComponents.ensureWebSocketComponents(server));
        Configuration sockets = handler.getConfiguration();
        sockets.setIdleTimeout(IDLE_TIMEOUT);
        sockets.setMaxFrameSize(Subscription.MAX_FRAME_BYTES);
        handler.addMapping("/ws", upgrade);
        return handler;
    }

    /**
     * A socket opened: it takes a place under the caps (a refused or foreign-origin socket is
     * closed with its error), and must subscribe within the timeout. Called by the subscription.
     */
    void opened(Subscription sub, CloseCodes refused) {
        SocketAdmission.Place place = admission.place();
        sub.hold(place); // before anything can close the socket: closed gives it back
        open.add(sub);
        if (refused != null) {
            sub.close(refused, "This page's origin may not open Lanechat sockets.", null);
            return;
        }
        if (sub.userId() == null) {
            SocketAdmission.Refusal refusal = place.holdPending(sub.remoteAddress());
            if (refusal != null) {
                sub.close(CloseCodes.OVER_CAPACITY, refusal.message, SocketAdmission.retryAfterMs());
                return;
            }
        } else if (!admit(sub)) {
            return;
        }
        Duration timeout = sub.userId() == null ? pendingSubscribeTimeout : subscribeTimeout;
        sub.subscribeWithin(timeout.toNanos()); // checked by the tick
    }

    /** The socket closed (whatever closed it): it gives back its place and leaves the Hub. */
    void closed(Subscription sub, SocketAdmission.Place place) {
        open.remove(sub);
        if (place != null) {
            place.release();
        }
        hub.remove(sub);
    }

    /**
     * A socket names its user (on the upgrade, or by the token of its subscribe frame): it leaves
     * the pending counts and takes a place among the user's and the server's sockets, or is closed
     * with {@code over_capacity} and 1013. True when admitted (and registered with the Hub).
     */
    boolean admit(Subscription sub) {
        SocketAdmission.Place place = sub.place();
        SocketAdmission.Refusal refusal =
                place == null ? SocketAdmission.Refusal.SERVER_FULL : place.authenticate(sub.userId());
        if (refusal != null) {
            sub.close(CloseCodes.OVER_CAPACITY, refusal.message, SocketAdmission.retryAfterMs());
            return false;
        }
        hub.add(sub);
        if (!open.contains(sub)) {
            hub.remove(sub); // closed meanwhile, perhaps before the add: closed's remove may have missed it
        }
        return true;
    }

    /**
     * One tick of the sockets' one timer (no task per socket): pings the sockets of this tick's
     * slot, so that the heartbeat of every socket is spread over the ping interval instead of one
     * burst; closes those that did not subscribe in time with 4408; and closes sockets whose send
     * window stayed full past the limit with 1013 (they resume with since), cutting them a few
     * seconds later if even the close cannot get through.
     */
    private void tick() {
        try {
            int slot = (int) (ticks++ % pingSlots);
            long now = System.nanoTime();
            for (Subscription sub : open) {
                if (pingSlots == 1 || Math.floorMod(System.identityHashCode(sub), pingSlots) == slot) {
                    sub.ping();
                }
                sub.checkSubscribed(now);
                if (sub.stalledLongerThan(slowSocketLimitNanos)) {
                    log.info("Closing a socket of user {} that stopped reading", sub.userId());
                    sub.close(
                            CloseCodes.OVER_CAPACITY,
                            "This socket reads too slowly; reconnect and resume with since.",
                            1000L);
                    var unused = timers.schedule(sub::disconnect, 5, TimeUnit.SECONDS); // it logs a failure
                }
            }
        } catch (RuntimeException e) {
            log.warn("Socket tick failed: {}", StoreErrors.describeWithPlace(e));
        }
    }

    @Override
    public Set<Credential> held() {
        Set<Credential> held = new HashSet<>();
        for (Subscription sub : open) {
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
        for (Subscription sub : open) {
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

    /**
     * Closes every socket with 1001 (the server is stopping); clients resume elsewhere or later,
     * asked to come back spread over time ({@link ReconnectSpread}). The closes run on {@value
     * #CLOSE_THREADS} drain threads: each is a write, a shutdown and a close on the calling thread
     * (Jetty's), and on one thread 10,000 sockets took 2.9 s, on four 1.3–1.7 s.
     */
    public void closeAll() {
        long t0 = System.nanoTime();
        List<Subscription> all = List.copyOf(open);
        AtomicInteger closedCount = new AtomicInteger();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (int p = 0; p < CLOSE_THREADS; p++) {
            int first = p;
            parts.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = first; i < all.size(); i += CLOSE_THREADS) {
                            if (all.get(i)
                                    .close(
                                            CloseCodes.SHUTTING_DOWN,
                                            "The server is shutting down; reconnect shortly.",
                                            ReconnectSpread.retryAfterMs(i))) {
                                closedCount.incrementAndGet();
                            }
                        }
                    },
                    context.drains()));
        }
        try {
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).get(CLOSE_WAIT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Closing the sockets at shutdown: {}", StoreErrors.describe(e));
        }
        int closed = closedCount.get();
        if (closed > 0) {
            log.info(
                    "Closed {} sockets with 1001 in {} ms, asked to come back within {} ms",
                    closed,
                    (System.nanoTime() - t0) / 1_000_000,
                    ReconnectSpread.retryAfterMs(closed - 1));
        }
    }
}
