package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import io.javalin.config.JavalinConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /ws} endpoint of protocol.md: it turns Javalin's socket callbacks into
 * {@link Subscription}s registered with the {@link Hub}, and runs the heartbeat and the subscribe
 * timeout.
 */
public final class StreamEndpoint {
    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);
    /** Jetty buffers a text message up to this before giving up with 1009 on its own. */
    private static final long JETTY_MAX_MESSAGE = 1024 * 1024;
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(70);

    private final Hub hub;
    private final Authenticator authenticator;
    private final Frames frames;
    private final ObjectMapper json;
    private final ExecutorService drains;
    private final ScheduledExecutorService timers;
    private final Duration subscribeTimeout;
    private final Map<String, Subscription> bySession = new ConcurrentHashMap<>();

    public StreamEndpoint(Hub hub, Authenticator authenticator, ObjectMapper json, ExecutorService drains,
            ScheduledExecutorService timers, Duration pingInterval, Duration subscribeTimeout) {
        this.hub = hub;
        this.authenticator = authenticator;
        this.frames = new Frames(json);
        this.json = json;
        this.drains = drains;
        this.timers = timers;
        this.subscribeTimeout = subscribeTimeout;
        long every = pingInterval.toMillis();
        timers.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Registers {@code /ws} and its Jetty limits on a Javalin config. */
    public void register(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> {
            factory.setIdleTimeout(IDLE_TIMEOUT);
            factory.setMaxTextMessageSize(JETTY_MAX_MESSAGE);
            factory.setMaxBinaryMessageSize(JETTY_MAX_MESSAGE);
        });
        config.routes.ws("/ws", ws -> {
            ws.onConnect(this::connected);
            ws.onMessage(ctx -> withSubscription(ctx, sub -> sub.onText(ctx.message())));
            ws.onBinaryMessage(ctx -> withSubscription(ctx, Subscription::onBinary));
            ws.onClose(ctx -> {
                Subscription sub = bySession.remove(ctx.sessionId());
                if (sub != null) {
                    sub.closed();
                    hub.remove(sub);
                }
            });
            ws.onError(ctx -> log.debug("Socket error: {}", String.valueOf(ctx.error())));
        });
    }

    private void connected(WsContext ctx) {
        Optional<User> user = authenticator.authenticate(null);
        Subscription sub = new Subscription(ctx.session, user.map(User::id).orElse(null), hub, frames, json, drains);
        if (user.isEmpty()) {
            sub.close(CloseCodes.UNAUTHENTICATED, "Sign in first: these credentials are not valid.", null);
            return;
        }
        bySession.put(ctx.sessionId(), sub);
        hub.add(sub);
        timers.schedule(sub::checkSubscribed, subscribeTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void withSubscription(WsContext ctx, java.util.function.Consumer<Subscription> action) {
        Subscription sub = bySession.get(ctx.sessionId());
        if (sub != null) {
            action.accept(sub);
        }
    }

    private void heartbeat() {
        try {
            hub.all().forEach(Subscription::ping);
        } catch (RuntimeException e) {
            log.warn("Heartbeat failed: {}", e.toString());
        }
    }

    /** Closes every socket with 1001 (the server is stopping); clients resume elsewhere or later. */
    public void closeAll() {
        hub.all().forEach(sub -> sub.close(CloseCodes.SHUTTING_DOWN, "The server is shutting down; reconnect shortly.", 1000L));
    }
}
