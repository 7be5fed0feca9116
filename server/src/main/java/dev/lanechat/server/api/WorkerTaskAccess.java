package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Worker;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.tasks.TaskQueries;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Which tasks a worker may touch, declared on each worker route of a task where it is registered
 * (after {@link CurrentWorker#resolve}). A task of a lane this worker may not serve is, to it, a
 * task that does not exist: the same 404 as an unknown id, so a limited worker learns nothing of
 * other lanes' tasks.
 */
final class WorkerTaskAccess {
    private final Lanes lanes;
    private final TaskQueries tasks;

    WorkerTaskAccess(Lanes lanes, TaskQueries tasks) {
        this.lanes = lanes;
        this.tasks = tasks;
    }

    /** {@code handler}, for the task {@code {id}} of a lane this worker serves; else 404. */
    Handler servedLane(Handler handler) {
        return ctx -> {
            checkLane(ctx, ctx.pathParam("id"));
            handler.handle(ctx);
        };
    }

    /**
     * {@code handler}, for the task {@code {id}} of a lane this worker serves that is served by
     * workers (an in-server lane's files are no worker's); else 404.
     */
    Handler workerLane(Handler handler) {
        return ctx -> {
            String taskId = ctx.pathParam("id");
            checkLane(ctx, taskId);
            if (!tasks.laneOf(taskId)
                    .flatMap(lanes::find)
                    .map(Lane::servedByWorkers)
                    .orElse(false)) {
                throw Rejection.notFound("running task");
            }
            handler.handle(ctx);
        };
    }

    private void checkLane(Context ctx, String taskId) {
        Worker worker = CurrentWorker.get(ctx);
        if (worker.lanes() != null
                && !tasks.laneOf(taskId).map(worker::mayServe).orElse(false)) {
            throw Rejection.notFound("task");
        }
    }
}
