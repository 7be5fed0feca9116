package dev.lanechat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.admin.AdminService;
import dev.lanechat.server.api.Routes;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.CredentialCheck;
import dev.lanechat.server.auth.CredentialWatch;
import dev.lanechat.server.auth.HostPolicy;
import dev.lanechat.server.auth.LastSeen;
import dev.lanechat.server.auth.OriginPolicy;
import dev.lanechat.server.auth.Sessions;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.UserRoles;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.auth.oidc.OidcSignIn;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.json.Json;
import dev.lanechat.server.lanes.LaneFactory;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.search.SearchService;
import dev.lanechat.server.store.DataDirLock;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.stream.CatchUp;
import dev.lanechat.server.stream.StreamEndpoint;
import dev.lanechat.server.transfer.ExportService;
import dev.lanechat.server.transfer.ImportService;
import dev.lanechat.server.usage.Quotas;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring diagram. {@link #start} builds the server from a {@link Config} in phases: the store,
 * the delivery of events ({@link Delivery}), the lanes and their tasks ({@link Work}), HTTP; then
 * runs it. Whatever a phase opens or starts goes on one list of {@link Closers}, released in
 * reverse when the server stops, or when a start fails half-way. Tests start it exactly as
 * {@code Main} does.
 */
public final class LanechatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LanechatServer.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final Closers closers;
    private final HttpServer http;
    private final String host;

    private LanechatServer(Closers closers, HttpServer http, String host) {
        this.closers = closers;
        this.http = http;
        this.host = host;
    }

    /**
     * Builds and runs the server.
     *
     * @param clock the one source of business time (stamps, leases, expiries, retention): {@code
     *     Main} passes the system's, tests may pass one they move
     */
    public static LanechatServer start(Config config, Clock clock) {
        config.validate();
        Closers closers = new Closers();
        try {
            return start(config, clock, closers);
        } catch (RuntimeException | Error e) {
            closers.closeAfter(e);
            throw e;
        }
    }

    private static LanechatServer start(Config config, Clock clock, Closers closers) {
        ObjectMapper json = Json.newMapper();
        // 1. The store: the data dir's lock (SQLite), the database migrated, who may sign in.
        Database database = openStore(config, closers);
        Users users = new Users(database.jdbi(), clock);
        Sessions sessions = new Sessions(database.jdbi(), clock);
        // 2. Delivery: committed events to sockets, long-polls and the other nodes.
        Lanes lanes = LaneFactory.build(config, json, clock);
        Delivery delivery = Delivery.wire(database, lanes, json, clock, closers);
        // 3. The lanes: conversations, tasks, the lanes' runners (not started yet).
        Work work = Work.wire(config, database, lanes, delivery, json, clock, closers);
        // 4. HTTP: who is asking, the socket endpoint, the routes (not listening yet).
        User localUser = config.auth() == AuthMode.OPEN ? users.ensure(Users.LOCAL_USER_NAME) : null;
        Authenticator authenticator = new Authenticator(config.auth(), users, sessions, localUser);
        RateLimiter loginLimiter =
                new RateLimiter(config.loginBurst(), config.loginPerMinute() / 60.0, System::nanoTime);
        StreamEndpoint stream = new StreamEndpoint(
                delivery.hub(),
                delivery.progress(),
                authenticator,
                json,
                delivery.drains(),
                delivery.timers().executor(),
                config,
                delivery.metrics());
        LastSeen lastSeen = new LastSeen(database.jdbi(), clock);
        Routes.Services services = services(
                config, database, lanes, delivery, work, authenticator, loginLimiter, users, lastSeen, json, clock);
        HttpServer http = HttpServer.create(config, services, stream, delivery.metrics());

        // 5. Run: the timers, the port, the lanes. Stopping undoes it from the end: new connections
        // are refused and sockets told 1001 first (a client then reconnects elsewhere at once), the
        // lanes' running tasks get the grace to finish, then HTTP stops and the rest is released.
        Timers timers = delivery.timers();
        timers.every(SECOND, SECOND, "Lease sweep", () -> work.tasks().sweep().sweepExpiredLeases(clock.instant()));
        // The log-in limiter is keyed by client address: addresses whose bucket is full again are
        // forgotten each minute, so a crowd of addresses cannot grow it without end.
        timers.every(MINUTE, MINUTE, "Log-in limiter sweep", loginLimiter::forgetFull);
        timers.every(
                MINUTE,
                Duration.ofHours(1),
                "Housekeeping",
                new Housekeeping(
                        delivery.eventLog(),
                        work.tasks().submissions(),
                        sessions,
                        work.files(),
                        config.eventRetention(),
                        clock));
        if (!database.dialect().singleProcess()) {
            timers.every(
                    SECOND,
                    SECOND,
                    "Event catch-up",
                    new CatchUp(delivery.hub(), delivery.waiters(), delivery.eventLog()));
        }
        // Revocations and log-outs (from any process, on any node) reach open sockets and long-polls.
        timers.every(
                SECOND,
                SECOND,
                "Credential check",
                new CredentialWatch(new CredentialCheck(users, sessions), stream, delivery.waiters()));
        // What requests noted of their users, written once a second (and last after HTTP stopped).
        timers.every(SECOND, SECOND, "Last-seen stamps", lastSeen::flush);
        closers.add("last-seen stamps", lastSeen::flush);
        stream.start();
        http.start();
        closers.add("HTTP server", http::stop);
        work.startRunners(SHUTDOWN_GRACE, closers);
        closers.add("listening socket", () -> {
            http.refuseConnections();
            stream.closeAll();
        });
        log.info(
                "Lanechat {} ({} mode, {} store, node {}{})",
                version(),
                config.auth().name().toLowerCase(Locale.ROOT),
                database.dialect().storeName(),
                delivery.nodeId(),
                config.oidc() == null
                        ? ""
                        : ", single sign-on through " + config.oidc().issuer());
        return new LanechatServer(closers, http, config.bind());
    }

    private static Database openStore(Config config, Closers closers) {
        closers.add("data dir lock", config.db() == null ? DataDirLock.acquire(config.dataDir()) : null);
        return closers.add(
                "database", Database.open(config.db(), config.dataDir(), config.crashAfterCommits(), config.dbPool()));
    }

    /** What the routes serve with. */
    private static Routes.Services services(
            Config config,
            Database database,
            Lanes lanes,
            Delivery delivery,
            Work work,
            Authenticator authenticator,
            RateLimiter loginLimiter,
            Users users,
            LastSeen lastSeen,
            ObjectMapper json,
            Clock clock) {
        RateLimiter sendLimiter = new RateLimiter(config.sendBurst(), config.sendPerMinute() / 60.0, System::nanoTime);
        return new Routes.Services(
                database,
                lanes,
                work.conversations(),
                work.tasks(),
                work.files(),
                delivery.eventLog(),
                delivery.waiters(),
                authenticator,
                sendLimiter,
                json,
                version(),
                delivery.nodeId(),
                config.maxContentBytes(),
                config.maxBodyBytes(),
                config.webDir(),
                work.workerQueue(),
                new HostPolicy(config.allowedHosts()),
                new OriginPolicy(config.allowedOrigins()),
                loginLimiter,
                config.allowedOrigins(),
                new SearchService(database),
                new ExportService(database.jdbi(), work.files(), clock),
                new ImportService(database.jdbi(), work.conversationRows(), clock),
                config.oidc() == null ? null : new OidcSignIn(config.oidc(), database.jdbi(), users, clock),
                team(config, database, users, lastSeen, work, delivery, clock));
    }

    /** Roles, usage, quotas and the admin API (issue 20). */
    private static Routes.Team team(
            Config config,
            Database database,
            Users users,
            LastSeen lastSeen,
            Work work,
            Delivery delivery,
            Clock clock) {
        Quotas quotas = new Quotas(database.jdbi(), work.usage(), config.quota(), clock);
        AdminService admin =
                new AdminService(database.jdbi(), users, quotas, work.usage(), delivery.hub()::socketCount, clock);
        return new Routes.Team(new UserRoles(config.auth(), users), lastSeen, work.usage(), quotas, admin, clock);
    }

    public int port() {
        return http.port();
    }

    /** Every HTTP route this server registered, as Javalin's router holds them. */
    public List<DeclaredRoute> routes() {
        return http.routes();
    }

    public String url() {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port();
    }

    /**
     * Stops accepting connections, closes sockets with 1001, lets running tasks finish briefly, then
     * closes the store. The listening socket closes first: a client told 1001 reconnects within a
     * second or two, and should be refused at once (and retry with its backoff, finding the next
     * server) rather than be taken in by a server that is going away and left waiting.
     */
    @Override
    public void close() {
        closers.closeAll();
    }

    static String version() {
        String v = LanechatServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
