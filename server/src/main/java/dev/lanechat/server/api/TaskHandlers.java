package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.tasks.TaskService;
import io.javalin.http.Context;

/** HTTP in and out for tasks: the polling endpoint and cancel. */
final class TaskHandlers {
    private final TaskService tasks;

    TaskHandlers(TaskService tasks) {
        this.tasks = tasks;
    }

    void get(Context ctx) {
        ctx.json(tasks.find(CurrentUser.id(ctx), ctx.pathParam("id")).orElseThrow(() -> Rejection.notFound("task")));
    }

    void cancel(Context ctx) {
        ctx.json(tasks.cancel(CurrentUser.id(ctx), ctx.pathParam("id")));
    }
}
