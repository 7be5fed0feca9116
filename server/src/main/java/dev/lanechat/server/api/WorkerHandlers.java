package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.files.NewFile;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.lanes.ProcessorInput;
import dev.lanechat.server.lanes.ProcessorResult;
import dev.lanechat.server.store.Timestamps;
import dev.lanechat.server.tasks.Claim;
import dev.lanechat.server.tasks.Claims;
import dev.lanechat.server.tasks.Completions;
import dev.lanechat.server.tasks.ProcessorInputs;
import dev.lanechat.server.tasks.TaskQueries;
import dev.lanechat.server.tasks.Tasks;
import dev.lanechat.server.tasks.WorkerQueue;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker API of protocol.md ("Workers"): external workers long-poll a lane for a task, hold it
 * under a lease they renew by heartbeat, and complete or fail it. Every call after the claim names
 * the lease; once the lease is lost (the task was cancelled, its lease expired, or it ended) the
 * answer is 409 and nothing changes. Which tasks a worker may touch is declared on their routes
 * ({@link WorkerTaskAccess}).
 */
final class WorkerHandlers {
    /** A complete call carries the answer and base64 files: its own, larger body limit. */
    static final int MAX_COMPLETE_BODY = 16 * 1024 * 1024;

    private static final int MAX_ERROR_CHARS = 2000;

    private final Lanes lanes;
    private final Claims claims;
    private final Completions completions;
    private final ProcessorInputs inputs;
    private final TaskQueries queries;
    private final WorkerQueue queue;
    private final ObjectMapper json;
    private final Limits limits;

    WorkerHandlers(Lanes lanes, Tasks tasks, WorkerQueue queue, ObjectMapper json, Limits limits) {
        this.lanes = lanes;
        this.claims = tasks.claims();
        this.completions = tasks.completions();
        this.inputs = tasks.inputs();
        this.queries = tasks.queries();
        this.queue = queue;
        this.json = json;
        this.limits = limits;
    }

    void claim(Context ctx) {
        String name = ctx.pathParam("lane");
        // A lane this worker may not serve gets the answer of an unknown lane.
        Lane lane = lanes.find(name)
                .filter(l -> CurrentWorker.get(ctx).mayServe(l.name()))
                .orElseThrow(() -> new Rejection(
                        Rejection.Reason.NOT_FOUND, "No lane '" + name + "'; GET /api/lanes lists the lanes."));
        if (!lane.servedByWorkers()) {
            throw Rejection.conflict("Lane '" + name + "' is served inside the server; workers can claim only the"
                    + " tasks of lanes with processor: worker.");
        }
        long waitS = QueryParams.waitSeconds(ctx);
        ctx.future(() -> queue.claim(lane, Duration.ofSeconds(waitS)).thenAccept(leased -> {
            if (leased.isEmpty()) {
                ctx.status(204);
                return;
            }
            Claim claim = leased.get().claim();
            ProcessorInput input = lane.fitted(inputs.inputOf(claim, true)); // the lane's context window
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("task_id", claim.taskId());
            body.put("lease_id", claim.leaseId());
            body.put("lease_expires_at", Timestamps.format(leased.get().expiresAt()));
            body.put("content", input.prompt()); // with the text files as fenced blocks (E14)
            body.put("conversation_id", claim.conversationId());
            body.put("history", input.history()); // [{"role","content"}], oldest first
            body.put("system_prompt", input.systemPrompt()); // the conversation's, or null (E15)
            body.put("lane", claim.lane());
            body.put("attempt", claim.attempt());
            body.put(
                    "files",
                    input.attachments().stream().map(WorkerHandlers::fileRef).toList());
            ctx.json(body);
        }));
    }

    /** A file attached to the claimed task's message, as the claim lists it: downloaded from its url. */
    private static Map<String, Object> fileRef(ProcessorInput.Attachment file) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("id", file.id());
        ref.put("name", file.name());
        ref.put("content_type", file.contentType());
        ref.put("size", file.size());
        ref.put("kind", file.kind());
        ref.put("url", file.url());
        return ref;
    }

    void heartbeat(Context ctx) {
        String taskId = ctx.pathParam("id");
        String leaseId = JsonBody.read(ctx, json, limits.maxBodyBytes(), false).requiredText("lease_id");
        String expires =
                claims.heartbeat(taskId, leaseId).map(Timestamps::format).orElseThrow(() -> lost(taskId));
        ctx.json(Map.of("lease_expires_at", expires));
    }

    void complete(Context ctx) {
        String taskId = ctx.pathParam("id");
        JsonBody body = JsonBody.read(ctx, json, MAX_COMPLETE_BODY, false);
        String leaseId = body.requiredText("lease_id");
        String content = WorkerAnswerFields.content(body);
        String model = body.optionalText("model");
        if (model != null && model.length() > 200) {
            throw Rejection.invalid("\"model\" may have at most 200 characters.");
        }
        double cost = WorkerAnswerFields.cost(body.field("cost_usd"));
        long promptTokens = WorkerAnswerFields.tokens(body, "prompt_tokens");
        long completionTokens = WorkerAnswerFields.tokens(body, "completion_tokens");
        List<NewFile> files = WorkerAnswerFields.files(body.field("files"));
        Claim claim = claims.held(taskId, leaseId).orElseThrow(() -> lost(taskId));
        Lane lane = lanes.find(claim.lane()).orElse(null);
        String answeredBy = model != null ? model : lane != null ? lane.model() : null;
        if (!completions.complete(
                claim, new ProcessorResult(content, answeredBy, cost, files, promptTokens, completionTokens))) {
            throw lost(taskId);
        }
        ctx.json(queries.find(claim.userId(), taskId).orElseThrow(() -> lost(taskId)));
    }

    void fail(Context ctx) {
        String taskId = ctx.pathParam("id");
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), false);
        String leaseId = body.requiredText("lease_id");
        String error = body.requiredText("error").strip();
        if (error.length() > MAX_ERROR_CHARS) {
            throw Rejection.invalid("\"error\" may have at most " + MAX_ERROR_CHARS + " characters.");
        }
        JsonNode retry = body.field("retry");
        if (retry != null && !retry.isNull() && !retry.isBoolean()) {
            throw Rejection.invalid("\"retry\" must be true or false.");
        }
        Claim claim = claims.held(taskId, leaseId).orElseThrow(() -> lost(taskId));
        if (!completions.fail(claim, error, retry != null && retry.asBoolean(false))) {
            throw lost(taskId);
        }
        ctx.json(queries.find(claim.userId(), taskId).orElseThrow(() -> lost(taskId)));
    }

    private Rejection lost(String taskId) {
        if (!queries.exists(taskId)) {
            return Rejection.notFound("task");
        }
        return Rejection.conflict("This lease was lost: the task was cancelled, its lease expired, or it already"
                + " ended. Drop the task and claim the next one.");
    }
}
