package dev.lanechat.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.admin.AdminService;
import dev.lanechat.server.api.Access;
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
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.events.PgEventListener;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.files.Uploads;
import dev.lanechat.server.http.SlowBodyGuard;
import dev.lanechat.server.json.Json;
import dev.lanechat.server.lanes.LaneFactory;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.metrics.ServerMetrics;
import dev.lanechat.server.search.SearchService;
import dev.lanechat.server.store.DataDirLock;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.Dialect;
import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.stream.Hub;
import dev.lanechat.server.stream.ProgressRelay;
import dev.lanechat.server.stream.StreamEndpoint;
import dev.lanechat.server.tasks.LaneRunner;
import dev.lanechat.server.tasks.TaskService;
import dev.lanechat.server.tasks.WorkerQueue;
import dev.lanechat.server.transfer.ExportService;
import dev.lanechat.server.transfer.ImportService;
import dev.lanechat.server.usage.Quotas;
import dev.lanechat.server.usage.UsageLedger;
import io.javalin.Javalin;
import io.javalin.security.Roles;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.thread.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiring diagram: builds every piece from a {@link Config} in order, starts them, and stops
 * them in reverse. Tests start it exactly as {@code Main} does.
 */
public final class LanechatServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LanechatServer.class);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final int ACCEPT_QUEUE = 4096;
    /** Pool threads that requests carrying a body can never take: they keep reads answering. */
    private static final int RESERVED_THREADS = 50;

    private final DataDirLock lock;
    private final Database database;
    private final ScheduledExecutorService timers;
    private final ExecutorService drains;
    private final List<LaneRunner> runners;
    private final StreamEndpoint stream;
    private final Javalin app;
    private final String host;
    private final PgEventListener pgListener;
    private final ServerConnector connector;

    private LanechatServer(
            DataDirLock lock,
            Database database,
            ScheduledExecutorService timers,
            ExecutorService drains,
            List<LaneRunner> runners,
            StreamEndpoint stream,
            Javalin app,
            String host,
            PgEventListener pgListener,
            ServerConnector connector) {
        this.connector = connector;
        this.lock = lock;
        this.database = database;
        this.timers = timers;
        this.drains = drains;
        this.runners = runners;
        this.stream = stream;
        this.app = app;
        this.host = host;
        this.pgListener = pgListener;
    }

    public static LanechatServer start(Config config) {
        config.validate();
        Clock clock = Clock.systemUTC();
        ObjectMapper json = Json.newMapper();
        DataDirLock lock = config.db() == null ? DataDirLock.acquire(config.dataDir()) : null;
        Database database;
        try {
            database = Database.open(config.db(), config.dataDir(), config.crashAfterCommits());
        } catch (RuntimeException e) {
            if (lock != null) {
                lock.close();
            }
            throw e;
        }

        Users users = new Users(database.jdbi(), clock);
        User localUser = config.auth() == AuthMode.OPEN ? users.ensure(Users.LOCAL_USER_NAME) : null;
        Sessions sessions = new Sessions(database.jdbi(), clock);
        Authenticator authenticator = new Authenticator(config.auth(), users, sessions, localUser);
        RateLimiter sendLimiter = new RateLimiter(config.sendBurst(), config.sendPerMinute() / 60.0, System::nanoTime);
        RateLimiter loginLimiter =
                new RateLimiter(config.loginBurst(), config.loginPerMinute() / 60.0, System::nanoTime);

        FileRepository files = new FileRepository(database.jdbi());
        ConversationRepository conversationRepository = new ConversationRepository(files);
        EventLog eventLog = new EventLog(database.jdbi(), json, clock, database.dialect());
        Notifier notifier = new Notifier();
        EventWaiters waiters = new EventWaiters();
        Hub hub = new Hub(eventLog);
        Lanes lanes = LaneFactory.build(config, json, clock);
        ServerMetrics metrics = new ServerMetrics(
                hub::socketCount,
                LaneFactory.names(lanes),
                lane -> database.jdbi()
                        .withHandle(h -> h.createQuery(
                                        "SELECT COUNT(*) FROM tasks WHERE lane = :lane AND status = 'queued'")
                                .bind("lane", lane)
                                .mapTo(Long.class)
                                .one()));
        database.observeStampToCommit(metrics::stampToCommit);
        notifier.subscribe(metrics::committed); // before the Hub's, so a commit is stamped before its push
        notifier.subscribe(hub::published);
        notifier.subscribe(waiters::published);
        notifier.subscribeHints(hub::hinted);
        notifier.subscribeHints((user, id) -> waiters.hinted(user));
        String nodeId = UUID.randomUUID().toString().substring(0, 8);
        PgEventListener pgListener = database.dialect() == Dialect.POSTGRES
                ? new PgEventListener(database.dataSource(), notifier, nodeId, hub::progress)
                : null;

        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("timer"));
        ProgressRelay progress = new ProgressRelay(
                hub, json, timers, pgListener == null ? (user, frame) -> {} : pgListener::publishProgress);
        UsageLedger usage = new UsageLedger(database.jdbi());
        TaskService tasks = new TaskService(
                database,
                conversationRepository,
                files,
                eventLog,
                notifier,
                lanes,
                json,
                clock,
                config.lease(),
                config.maxAttempts(),
                config.historyMessages(),
                config.historyBytes(),
                usage,
                progress);
        RateLimiter conversationLimiter =
                new RateLimiter(config.conversationBurst(), config.conversationPerMinute() / 60.0, System::nanoTime);
        ConversationService conversations = new ConversationService(
                database.jdbi(),
                conversationRepository,
                files,
                tasks,
                eventLog,
                notifier,
                clock,
                conversationLimiter,
                lanes);

        ExecutorService drains = Executors.newFixedThreadPool(
                Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), daemon("socket-drain"));

        if (database.dialect().singleProcess()) {
            // This server owns the store alone (the data dir is locked): whatever it finds running
            // was left by a crash of its own, so it is retried now rather than after its lease.
            int held = tasks.releaseAllHeld();
            if (held > 0) {
                log.info("Put {} task(s) handed over in memory by the previous run back on the queue", held);
            }
            int orphans = tasks.sweepExpiredLeases(Instant.ofEpochMilli(Long.MAX_VALUE));
            if (orphans > 0) {
                log.info("Requeued or failed {} task(s) left running by the previous run", orphans);
            }
        }
        List<LaneRunner> runners = lanes.all().stream()
                .filter(lane -> !lane.servedByWorkers())
                .map(lane -> new LaneRunner(lane, tasks, timers, progress, metrics))
                .toList();
        WorkerQueue workerQueue = new WorkerQueue(tasks, timers);
        runners.forEach(LaneRunner::start);
        scheduleHousekeeping(timers, tasks, files, eventLog, sessions, loginLimiter, config, clock);
        if (pgListener != null) {
            pgListener.start();
        }
        if (!database.dialect().singleProcess()) {
            // The safety net under other nodes' NOTIFY. On SQLite nothing but this process writes
            // events, and it hands each to its sockets after the commit, so there is nothing to catch
            // up on (issue 15: it was a query over every connected user each second).
            timers.scheduleWithFixedDelay(
                    () -> {
                        try {
                            hub.catchUp();
                            waiters.catchUp(eventLog::newestIds);
                        } catch (RuntimeException e) {
                            log.warn("Event catch-up failed: {}", StoreErrors.describe(e));
                        }
                    },
                    1,
                    1,
                    TimeUnit.SECONDS);
        }

        StreamEndpoint stream = new StreamEndpoint(hub, progress, authenticator, json, drains, timers, config, metrics);
        // Revocations and log-outs (from any process, on any node) reach open sockets and long-polls.
        timers.scheduleWithFixedDelay(
                new CredentialWatch(new CredentialCheck(users, sessions), stream, waiters), 1, 1, TimeUnit.SECONDS);
        Routes.Services services = new Routes.Services(
                database,
                lanes,
                conversations,
                tasks,
                files,
                eventLog,
                waiters,
                authenticator,
                sendLimiter,
                json,
                version(),
                nodeId,
                config.maxContentBytes(),
                config.maxBodyBytes(),
                config.webDir(),
                workerQueue,
                new HostPolicy(config.allowedHosts()),
                new OriginPolicy(config.allowedOrigins()),
                loginLimiter,
                config.allowedOrigins(),
                new SearchService(database),
                new ExportService(database.jdbi(), files, clock),
                new ImportService(database.jdbi(), conversationRepository, clock),
                config.oidc() == null ? null : new OidcSignIn(config.oidc(), database.jdbi(), users, clock),
                team(config, database, users, usage, hub, clock));
        java.util.concurrent.atomic.AtomicReference<ServerConnector> ours =
                new java.util.concurrent.atomic.AtomicReference<>();
        Javalin app = Javalin.create(javalin -> {
            javalin.startup.showJavalinBanner = false;
            javalin.startup.showOldJavalinVersionWarning = false;
            // Our own connector, for its listen backlog: a reconnect storm of thousands of sockets
            // overflows Jetty's default queue of 50, and the kernel then retries those connects
            // only after 1, 3, 7 … s.
            javalin.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.bind());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
                ours.set(connector);
                return connector;
            });
            // /ws is served by Jetty's own WebSocket API, in front of Javalin's handlers (issue 16).
            javalin.jetty.modifyServer(server -> {
                Handler.Wrapper sockets = stream.upgradeHandler(server);
                sockets.setHandler(bodyGuards(server, config));
                server.setHandler(sockets);
            });
            Routes.register(javalin, services);
            metrics.register(javalin, Access.ANYONE);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            runners.forEach(r -> r.stop(Duration.ZERO));
            timers.shutdownNow();
            drains.shutdownNow();
            database.close();
            if (lock != null) {
                lock.close();
            }
            throw e;
        }
        log.info(
                "Lanechat {} ({} mode, {} store, node {}{})",
                version(),
                config.auth().name().toLowerCase(),
                database.dialect().storeName(),
                nodeId,
                config.oidc() == null
                        ? ""
                        : ", single sign-on through " + config.oidc().issuer());
        return new LanechatServer(
                lock, database, timers, drains, runners, stream, app, config.bind(), pgListener, ours.get());
    }

    /** Roles, usage, quotas and the admin API (issue 20). */
    private static Routes.Team team(
            Config config, Database database, Users users, UsageLedger usage, Hub hub, Clock clock) {
        Quotas quotas = new Quotas(database.jdbi(), usage, config.quota(), clock);
        AdminService admin = new AdminService(database.jdbi(), users, quotas, usage, hub::socketCount, clock);
        return new Routes.Team(
                new UserRoles(config.auth(), users), new LastSeen(database.jdbi(), clock), usage, quotas, admin, clock);
    }

    /**
     * The handlers in front of Javalin's (which Javalin puts inside the innermost one) that keep
     * clients sending bodies slowly from holding every thread: requests that may carry a body
     * (POST, PUT, PATCH, DELETE) run at most {@link #RESERVED_THREADS} fewer at once than the pool
     * has threads, the rest wait their turn without a thread; so reads (/api/health, pages, long
     * polls) always find a thread. And {@link SlowBodyGuard} drops a body read that waits longer
     * than the body read timeout, or a body that trickles in.
     */
    private static Handler.Wrapper bodyGuards(org.eclipse.jetty.server.Server server, Config config) {
        int threads = server.getThreadPool() instanceof ThreadPool.SizedThreadPool sized ? sized.getMaxThreads() : 250;
        QoSHandler bodies = new QoSHandler(new SlowBodyGuard(config.bodyReadTimeout()));
        bodies.includeMethod("POST", "PUT", "PATCH", "DELETE");
        bodies.setMaxRequestCount(Math.max(1, threads - RESERVED_THREADS));
        bodies.setMaxSuspendedRequestCount(-1); // a waiting request holds no thread; never a body-less 503
        bodies.setMaxSuspend(Duration.ZERO);
        return bodies;
    }

    private static void scheduleHousekeeping(
            ScheduledExecutorService timers,
            TaskService tasks,
            FileRepository files,
            EventLog eventLog,
            Sessions sessions,
            RateLimiter loginLimiter,
            Config config,
            Clock clock) {
        // The log-in limiter is keyed by client address: addresses whose bucket is full again are
        // forgotten each minute, so a crowd of addresses cannot grow it without end.
        timers.scheduleWithFixedDelay(loginLimiter::forgetFull, 1, 1, TimeUnit.MINUTES);
        timers.scheduleWithFixedDelay(
                () -> {
                    try {
                        tasks.sweepExpiredLeases(clock.instant());
                    } catch (RuntimeException e) {
                        log.warn("Lease sweep failed: {}", StoreErrors.describe(e));
                    }
                },
                1,
                1,
                TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(
                () -> {
                    try {
                        int events = eventLog.deleteOlderThan(config.eventRetention());
                        int keys = tasks.deleteExpiredIdempotencyKeys();
                        int expired = sessions.deleteExpired();
                        int uploads =
                                files.deleteUnattachedBefore(clock.instant().minus(Uploads.KEEP_UNATTACHED));
                        if (events + keys + expired + uploads > 0) {
                            log.info(
                                    "Housekeeping: deleted {} old event(s), {} idempotency key(s), {} expired session(s)"
                                            + " and {} unattached upload(s)",
                                    events,
                                    keys,
                                    expired,
                                    uploads);
                        }
                    } catch (RuntimeException e) {
                        log.warn("Housekeeping failed: {}", StoreErrors.describe(e));
                    }
                },
                1,
                60,
                TimeUnit.MINUTES);
    }

    public int port() {
        return app.port();
    }

    /** An HTTP route as registered, with the roles it declared (what the route × credential test walks). */
    public record DeclaredRoute(String method, String path, List<String> roles) {}

    /** Every HTTP route this server registered, as Javalin's router holds them. */
    public List<DeclaredRoute> routes() {
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
        if (connector != null) {
            connector.close();
        }
        stream.closeAll();
        runners.forEach(r -> r.stop(SHUTDOWN_GRACE));
        app.stop();
        timers.shutdownNow();
        drains.shutdownNow();
        if (pgListener != null) {
            pgListener.close();
        }
        database.close();
        if (lock != null) {
            lock.close();
        }
    }

    static String version() {
        String v = LanechatServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
