package dev.lanechat.server.support;

import dev.lanechat.server.DeclaredRoute;
import dev.lanechat.server.LanechatServer;
import dev.lanechat.server.config.Config;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The test harness: the real server, in-process, on a free port, over a temporary data dir, with a
 * short demo delay unless a test asks for another. Closing it closes the sockets it opened and the
 * server.
 *
 * <p>The store is SQLite in the data dir, or, when the system property {@code lanechat.test.store}
 * is {@code postgres} (the second surefire execution), a fresh PostgreSQL database of its own
 * ({@link PgDatabase}) that closing drops. A tweak that sets {@code db} itself (several nodes on
 * one database) gets exactly that store.
 */
public final class TestServer implements AutoCloseable {
    public static final Duration FAST_DEMO = Duration.ofMillis(50);

    private final LanechatServer server;
    private final Http http;
    private final List<Socket> sockets = new ArrayList<>();
    private final PgDatabase ownDatabase;

    private TestServer(LanechatServer server, PgDatabase ownDatabase) {
        this.server = server;
        this.http = new Http(URI.create(server.url()));
        this.ownDatabase = ownDatabase;
    }

    /** Whether this run's servers use PostgreSQL ({@code -Dlanechat.test.store=postgres}). */
    public static boolean postgres() {
        return "postgres".equals(System.getProperty("lanechat.test.store"));
    }

    /** The store name {@code /api/health} reports in this run. */
    public static String storeName() {
        return postgres() ? "postgres" : "sqlite";
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, b -> b);
    }

    public static TestServer start(Path dataDir, UnaryOperator<Config.Builder> tweak) {
        return start(dataDir, Clock.systemUTC(), tweak);
    }

    /** A server whose business time (stamps, leases, expiries) is {@code clock}'s, e.g. a {@link TestClock}. */
    public static TestServer start(Path dataDir, Clock clock, UnaryOperator<Config.Builder> tweak) {
        Config.Builder builder =
                Config.defaults().toBuilder().port(0).dataDir(dataDir).demoDelay(FAST_DEMO);
        Config config = tweak.apply(builder).build();
        if (!postgres() || config.db() != null) {
            return new TestServer(LanechatServer.start(config, clock), null);
        }
        PgDatabase database = PgDatabase.create();
        try {
            return new TestServer(
                    LanechatServer.start(
                            config.toBuilder().db(database.jdbcUrl()).build(), clock),
                    database);
        } catch (RuntimeException | Error e) {
            database.close();
            throw e;
        }
    }

    /** The base URL, {@code http://127.0.0.1:port}. */
    public URI uri() {
        return URI.create(server.url());
    }

    /** The JDBC URL of this server's own PostgreSQL database ({@code --db}), or null on SQLite (its data dir). */
    public String dbUrl() {
        return ownDatabase == null ? null : ownDatabase.jdbcUrl();
    }

    public Http http() {
        return http;
    }

    public int port() {
        return server.port();
    }

    /** Every HTTP route the server registered, with its declared roles. */
    public java.util.List<DeclaredRoute> routes() {
        return server.routes();
    }

    /** Opens {@code /ws} (not yet subscribed). */
    public Socket socket() {
        Socket socket = Socket.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws"));
        synchronized (sockets) {
            sockets.add(socket);
        }
        return socket;
    }

    /** Opens {@code /ws} with these header pairs on the upgrade request (not yet subscribed). */
    public Socket socket(String... headers) {
        Socket socket = Socket.open(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), headers);
        synchronized (sockets) {
            sockets.add(socket);
        }
        return socket;
    }

    @Override
    public void close() {
        synchronized (sockets) {
            sockets.forEach(Socket::close);
        }
        try {
            server.close();
        } finally {
            if (ownDatabase != null) {
                ownDatabase.close();
            }
        }
    }
}
