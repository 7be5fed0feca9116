package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.tasks.Cancellations;
import dev.lanechat.server.tasks.TaskQueries;
import io.javalin.http.Context;

/** HTTP in and out for tasks: the polling endpoint and cancel. */
final class TaskHandlers {
    private final TaskQueries queries;
    private final Cancellations cancellations;

    TaskHandlers(TaskQueries queries, Cancellations cancellations) {
        this.queries = queries;
        this.cancellations = cancellations;
    }

    void get(Context ctx) {
        ctx.json(queries.find(CurrentUser.id(ctx), ctx.pathParam("id")).orElseThrow(() -> Rejection.notFound("task")));
    }

    void cancel(Context ctx) {
        ctx.json(cancellations.cancel(CurrentUser.id(ctx), ctx.pathParam("id")));
    }
}
