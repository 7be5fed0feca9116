package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.admin.AdminService;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.HostPolicy;
import dev.lanechat.server.auth.LastSeen;
import dev.lanechat.server.auth.OriginPolicy;
import dev.lanechat.server.auth.UserRoles;
import dev.lanechat.server.auth.oidc.OidcSignIn;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.search.SearchService;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.tasks.Tasks;
import dev.lanechat.server.tasks.WorkerQueue;
import dev.lanechat.server.transfer.ExportService;
import dev.lanechat.server.transfer.ImportService;
import dev.lanechat.server.usage.Quotas;
import dev.lanechat.server.usage.UsageLedger;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * Every HTTP route of protocol.md in one table, registered on a Javalin config. Handlers do HTTP
 * in and out only; the services they call know nothing of Javalin.
 */
public final class Routes {

    /** What the routes need, built by the server's wiring. */
    public record Services(
            Database database,
            Lanes lanes,
            ConversationService conversations,
            Tasks tasks,
            FileRepository files,
            EventLog eventLog,
            EventWaiters waiters,
            Authenticator authenticator,
            RateLimiter sendLimiter,
            ObjectMapper json,
            String version,
            String nodeId,
            int maxContentBytes,
            int maxBodyBytes,
            Path webDir,
            WorkerQueue workers,
            HostPolicy hosts,
            OriginPolicy origins,
            RateLimiter loginLimiter,
            List<String> allowedOrigins,
            SearchService search,
            ExportService exports,
            ImportService imports,
            OidcSignIn oidc,

            Team team) {}

    /** Roles, usage, quotas and the admin API (issue 20). */
    public record Team(
            UserRoles roles, LastSeen lastSeen, UsageLedger usage, Quotas quotas, AdminService admin, Clock clock) {}

    private Routes() {}

    public static void register(JavalinConfig config, Services s) {
        config.jsonMapper(new JavalinJackson(s.json(), false));
        config.http.prefer405over404 = true;
        config.http.maxRequestSize = s.maxBodyBytes();
        ApiErrors.register(config);

        Limits limits = new Limits(s.maxContentBytes(), s.maxBodyBytes());
        MetaHandlers meta = new MetaHandlers(
                s.database(),
                s.lanes(),
                s.version(),
                s.nodeId(),
                s.oidc() == null ? null : s.oidc().providerName());
        ConversationHandlers conversations = new ConversationHandlers(
                s.conversations(),
                s.tasks().submissions(),
                s.json(),
                limits,
                s.sendLimiter(),
                s.team().quotas());
        SessionHandlers sessions = new SessionHandlers(
                s.authenticator(), s.json(), limits, s.loginLimiter(), s.team().roles());
        AdminHandlers admin = new AdminHandlers(s.team().admin(), s.json(), limits);
        UsageHandlers usage =
                new UsageHandlers(s.team().usage(), s.team().quotas(), s.team().clock());
        TaskHandlers tasks = new TaskHandlers(s.tasks().queries(), s.tasks().cancellations());
        FileHandlers files = new FileHandlers(
                s.files(),
                new dev.lanechat.server.files.Uploads(s.files(), s.team().clock()),
                s.tasks().queries());
        EventHandlers events = new EventHandlers(s.eventLog(), s.waiters(), s.authenticator());
        SearchHandlers search = new SearchHandlers(s.search());
        TransferHandlers transfer = new TransferHandlers(s.exports(), s.imports(), s.json());
        WorkerHandlers workers = new WorkerHandlers(s.lanes(), s.tasks(), s.workers(), s.json(), limits);
        WorkerTaskAccess workerTasks = new WorkerTaskAccess(s.lanes(), s.tasks().queries());
        OidcHandlers oidc = new OidcHandlers(s.oidc(), s.authenticator(), s.loginLimiter());

        var r = config.routes;
        SameOriginGuard sameOrigin = new SameOriginGuard(s.authenticator().mode(), s.hosts(), s.origins());
        AccessGuard access =
                new AccessGuard(s.authenticator(), s.team().roles(), s.team().lastSeen());
        String csp = WebApp.contentSecurityPolicy(s.allowedOrigins());
        r.before(ctx -> WebApp.securityHeaders(ctx, csp));
        r.before(sameOrigin::check);
        r.beforeMatched(access::check);
        r.after("/api/*", JsonBody::drainRest);

        // Each route declares who may call it; AccessGuard enforces that on the matched route. A
        // worker's task routes also declare which tasks it may touch (WorkerTaskAccess).
        r.get("/api/health", meta::health, Access.ANYONE);
        r.post("/api/session", sessions::logIn, Access.ANYONE);
        r.delete("/api/session", sessions::logOut, Access.ANYONE);
        r.get("/api/session", sessions::whoAmI, Access.USER);
        r.get("/api/auth/oidc/start", oidc::start, Access.ANYONE);
        r.get("/api/auth/oidc/callback", oidc::callback, Access.ANYONE);
        r.get("/api/lanes", meta::lanes, Access.USER);
        r.get("/api/conversations", conversations::list, Access.USER);
        r.post("/api/conversations", conversations::create, Access.USER);
        r.get("/api/conversations/{id}", conversations::get, Access.USER);
        r.patch("/api/conversations/{id}", conversations::update, Access.USER);
        r.delete("/api/conversations/{id}", conversations::delete, Access.USER);
        r.post("/api/conversations/{id}/messages", conversations::send, Access.USER);
        r.post("/api/conversations/{id}/read", conversations::markRead, Access.USER);
        r.post("/api/conversations/{id}/messages/{message_id}/regenerate", conversations::regenerate, Access.USER);
        r.post("/api/conversations/{id}/messages/{message_id}/edit", conversations::edit, Access.USER);
        r.post("/api/conversations/{id}/switch", conversations::switchPath, Access.USER);
        r.get("/api/tasks/{id}", tasks::get, Access.USER);
        r.post("/api/tasks/{id}/cancel", tasks::cancel, Access.USER);
        r.get("/api/files/{id}", files::download, Access.USER);
        r.post("/api/uploads", files::upload, Access.USER);
        r.get("/api/events", events::poll, Access.USER);
        r.get("/api/search", search::search, Access.USER);
        r.get("/api/conversations/{id}/export", transfer::exportOne, Access.USER);
        r.get("/api/export", transfer::exportAll, Access.USER);
        r.post("/api/import", transfer::importFile, Access.USER);
        r.post("/api/lanes/{lane}/claim", workers::claim, Access.WORKER);
        r.post("/api/tasks/{id}/heartbeat", workerTasks.servedLane(workers::heartbeat), Access.WORKER);
        r.post("/api/tasks/{id}/complete", workerTasks.servedLane(workers::complete), Access.WORKER);
        r.post("/api/tasks/{id}/fail", workerTasks.servedLane(workers::fail), Access.WORKER);
        r.get("/api/tasks/{id}/files/{file_id}", workerTasks.workerLane(files::taskFile), Access.WORKER);
        r.get("/api/usage", usage::own, Access.USER);
        r.get("/api/admin/users", admin::users, Access.ADMIN);
        r.post("/api/admin/users", admin::create, Access.ADMIN);
        r.post("/api/admin/users/{name}/revoke", admin::revoke, Access.ADMIN);
        r.put("/api/admin/users/{name}/quota", admin::setQuota, Access.ADMIN);
        r.get("/api/admin/usage", admin::usage, Access.ADMIN);

        WebApp web = WebApp.register(config, s.webDir());
        r.error(404, "*", ctx -> {
            if (web != null && HandlerType.GET.equals(ctx.method()) && WebApp.isPagePath(ctx.path())) {
                web.index(ctx);
            } else {
                ApiErrors.notFound(ctx);
            }
        });
    }
}
