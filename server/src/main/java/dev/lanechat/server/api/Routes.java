package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.tasks.TaskService;
import dev.lanechat.server.tasks.WorkerQueue;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.nio.file.Path;

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
            TaskService tasks,
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
            WorkerQueue workers) {}

    private Routes() {}

    public static void register(JavalinConfig config, Services s) {
        config.jsonMapper(new JavalinJackson(s.json(), false));
        config.http.prefer405over404 = true;
        config.http.maxRequestSize = s.maxBodyBytes();
        ApiErrors.register(config);

        Limits limits = new Limits(s.maxContentBytes(), s.maxBodyBytes());
        MetaHandlers meta = new MetaHandlers(s.database(), s.lanes(), s.version(), s.nodeId());
        ConversationHandlers conversations = new ConversationHandlers(s.conversations(), s.tasks(), s.json(), limits,
                s.sendLimiter());
        SessionHandlers sessions = new SessionHandlers(s.authenticator(), s.json(), limits);
        TaskHandlers tasks = new TaskHandlers(s.tasks());
        FileHandlers files = new FileHandlers(s.files());
        EventHandlers events = new EventHandlers(s.eventLog(), s.waiters(), s.authenticator());
        WorkerHandlers workers = new WorkerHandlers(s.lanes(), s.tasks(), s.workers(), s.json(), limits);

        var r = config.routes;
        r.before(WebApp::securityHeaders);
        r.before("/api/*", ctx -> {
            boolean open = ctx.path().equals("/api/health")
                    || (ctx.path().equals("/api/session") && ctx.method() != HandlerType.GET);
            if (WorkerHandlers.isWorkerCall(ctx)) {
                WorkerHandlers.authenticate(ctx, s.authenticator());
            } else if (!open) {
                CurrentUser.resolve(ctx, s.authenticator());
            }
        });
        r.after("/api/*", JsonBody::drainRest);
        r.get("/api/health", meta::health);
        r.get("/api/session", sessions::whoAmI);
        r.post("/api/session", sessions::logIn);
        r.delete("/api/session", sessions::logOut);
        r.get("/api/lanes", meta::lanes);
        r.get("/api/conversations", conversations::list);
        r.post("/api/conversations", conversations::create);
        r.get("/api/conversations/{id}", conversations::get);
        r.patch("/api/conversations/{id}", conversations::rename);
        r.delete("/api/conversations/{id}", conversations::delete);
        r.post("/api/conversations/{id}/messages", conversations::send);
        r.get("/api/tasks/{id}", tasks::get);
        r.post("/api/tasks/{id}/cancel", tasks::cancel);
        r.get("/api/files/{id}", files::download);
        r.get("/api/events", events::poll);
        r.post("/api/lanes/{lane}/claim", workers::claim);
        r.post("/api/tasks/{id}/heartbeat", workers::heartbeat);
        r.post("/api/tasks/{id}/complete", workers::complete);
        r.post("/api/tasks/{id}/fail", workers::fail);

        WebApp web = WebApp.register(config, s.webDir());
        r.error(404, "*", ctx -> {
            boolean page = ctx.method() == HandlerType.GET && !ctx.path().startsWith("/api/")
                    && !ctx.path().equals("/api") && !ctx.path().equals("/ws");
            if (web != null && page) {
                web.index(ctx);
            } else {
                ApiErrors.notFound(ctx);
            }
        });
    }
}
