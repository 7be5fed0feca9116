package dev.lanechat.server;

import dev.lanechat.server.api.Access;
import dev.lanechat.server.api.Routes;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.http.FileLimitConnector;
import dev.lanechat.server.http.SlowBodyGuard;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.stream.StreamEndpoint;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.security.Roles;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * Jetty and Javalin as the server uses them: our own connector, {@code /ws} and the body guards in
 * front of Javalin's handlers, then the routes. Built first, started last (when all behind it runs).
 */
final class HttpServer {
    private static final int ACCEPT_QUEUE = 4096;
    /** Pool threads that requests carrying a body can never take: they keep reads answering. */
    private static final int RESERVED_THREADS = 50;

    private final Javalin app;
    private final AtomicReference<ServerConnector> connector;

    private HttpServer(Javalin app, AtomicReference<ServerConnector> connector) {
        this.app = app;
        this.connector = connector;
    }

    static HttpServer create(Config config, Routes.Services services, StreamEndpoint stream, ServerMetrics metrics) {
        AtomicReference<ServerConnector> ours = new AtomicReference<>();
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            // Our own connector, for its listen backlog: a reconnect storm of thousands of sockets
            // overflows Jetty's default queue of 50, and the kernel then retries those connects
            // only after 1, 3, 7 … s. At the open-file limit it turns new connections away at once.
            javalin.jetty.addConnector((server, http) -> {
                ServerConnector connector = new FileLimitConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.bind());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                ours.set(connector);
                return connector;
            });
            // /ws is served by Jetty's core WebSocket API, in front of Javalin's handlers (issue 16).
            javalin.jetty.modifyServer(server -> {
                Handler.Wrapper sockets = stream.upgradeHandler(server);
                sockets.setHandler(bodyGuards(server, config));
                server.setHandler(sockets);
            });
            routing(javalin, services, metrics);
        });
        return new HttpServer(app, ours);
    }

    /** Every HTTP route: the API and pages of {@link Routes}, and the metrics. */
    static void routing(JavalinConfig javalin, Routes.Services services, ServerMetrics metrics) {
        Routes.register(javalin, services);
        metrics.register(javalin, Access.ANYONE);
    }

    /**
     * The handlers in front of Javalin's (which Javalin puts inside the innermost one) that keep
     * clients sending bodies slowly from holding every thread: requests that may carry a body
     * (POST, PUT, PATCH, DELETE) run at most {@link #RESERVED_THREADS} fewer at once than the pool
     * has threads, the rest wait their turn without a thread; so reads (/api/health, pages, long
     * polls) always find a thread. And {@link SlowBodyGuard} drops a body read that waits longer
     * than the body read timeout, or a body that trickles in.
     */
    private static Handler.Wrapper bodyGuards(Server server, Config config) {
        int threads = server.getThreadPool() instanceof ThreadPool.SizedThreadPool sized ? sized.getMaxThreads() : 250;
        QoSHandler bodies = new QoSHandler(new SlowBodyGuard(config.bodyReadTimeout()));
        bodies.includeMethod("POST", "PUT", "PATCH", "DELETE");
        bodies.setMaxRequestCount(Math.max(1, threads - RESERVED_THREADS));
        bodies.setMaxSuspendedRequestCount(-1); // a waiting request holds no thread; never a body-less 503
        bodies.setMaxSuspend(Duration.ZERO);
        return bodies;
    }

    /** Opens the port and serves. */
    void start() {
        app.start();
    }

    /** Closes the listening socket: new connections are refused, open ones go on. */
    void refuseConnections() {
        ServerConnector listening = connector.get();
        if (listening != null) {
            listening.close();
        }
    }

    /** Stops Jetty: open requests and connections end. */
    void stop() {
        app.stop();
    }

    int port() {
        return app.port();
    }

    /** Every HTTP route registered, as Javalin's router holds them, with the roles each declared. */
    List<DeclaredRoute> routes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> endpoint.method.isHttpMethod())
                .map(endpoint -> {
                    Roles roles = endpoint.metadata(Roles.class);
                    return new DeclaredRoute(
                            endpoint.method.name(),
                            endpoint.path,
                            roles == null
                                    ? List.of()
                                    : roles.getRoles().stream()
                                            .map(String::valueOf)
                                            .sorted()
                                            .toList());
                })
                .toList();
    }
}
