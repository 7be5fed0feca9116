package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/events}: the event log read over HTTP, waiting up to 30 s for something new. A
 * wait ends with 401 {@code unauthenticated} when its token is revoked or its session ends (the
 * waiters fail it with that {@link Rejection}, which the error table writes).
 */
final class EventHandlers {

    private final EventLog eventLog;
    private final EventWaiters waiters;
    private final Authenticator authenticator;

    EventHandlers(EventLog eventLog, EventWaiters waiters, Authenticator authenticator) {
        this.eventLog = eventLog;
        this.waiters = waiters;
        this.authenticator = authenticator;
    }

    void poll(Context ctx) {
        String userId = CurrentUser.id(ctx);
        long after = QueryParams.nonNegative(ctx, "after");
        long waitS = QueryParams.waitSeconds(ctx);
        if (!eventLog.bounds(userId).canResumeFrom(after)) {
            throw new Rejection(
                    Rejection.Reason.RESET,
                    "Events after " + after + " are not available; refetch your state and start from last_id.");
        }
        if (waitS == 0) {
            respond(ctx, userId, after, eventLog.readAfter(userId, after, EventLog.PAGE));
            return;
        }
        // Wait first, read second: a publish between the two cannot be missed.
        Credential credential = authenticator.credentialOf(
                CurrentUser.get(ctx), CurrentUser.bearer(ctx), ctx.cookie(Authenticator.COOKIE));
        CompletableFuture<Void> next = waiters.next(credential, after, Duration.ofSeconds(waitS));
        List<Event> events = eventLog.readAfter(userId, after, EventLog.PAGE);
        if (!events.isEmpty()) {
            next.complete(null);
            respond(ctx, userId, after, events);
            return;
        }
        ctx.future(() ->
                next.thenRun(() -> respond(ctx, userId, after, eventLog.readAfter(userId, after, EventLog.PAGE))));
    }

    private void respond(Context ctx, String userId, long after, List<Event> events) {
        long lastId = events.isEmpty()
                ? Math.max(after, eventLog.bounds(userId).newest())
                : events.get(events.size() - 1).id();
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 0; i < events.size(); i++) {
            body.append(i == 0 ? "" : ",").append(events.get(i).frame());
        }
        body.append("],\"last_id\":").append(lastId).append('}');
        ctx.contentType("application/json").result(body.toString());
    }
}
