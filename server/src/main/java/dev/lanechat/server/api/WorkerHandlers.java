package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Worker;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The worker API of protocol.md ("Workers"): external workers long-poll a lane for a task, hold it
 * under a lease they renew by heartbeat, and complete or fail it. Every call after the claim names
 * the lease; once the lease is lost (the task was cancelled, its lease expired, or it ended) the
 * answer is 409 and nothing changes.
 */
final class WorkerHandlers {
    /** A complete call carries the answer and base64 files: its own, larger body limit. */
    static final int MAX_COMPLETE_BODY = 16 * 1024 * 1024;

    static final int MAX_CONTENT_BYTES = 1024 * 1024;
    static final int MAX_FILES_BYTES = 10 * 1024 * 1024;
    static final int MAX_FILES = 20;
    private static final int MAX_ERROR_CHARS = 2000;
    private static final Pattern CONTENT_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?");
    private static final String WORKER = "lanechat.worker";

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

    /**
     * In token mode only a worker token may call the worker API (a user's token may not). The
     * worker, with the lanes it may serve, is kept on the request for the handlers.
     */
    static void authenticate(Context ctx, Authenticator authenticator) {
        Worker worker = authenticator
                .authenticateWorker(CurrentUser.bearer(ctx))
                .orElseThrow(() -> new Rejection(
                        Rejection.Reason.UNAUTHENTICATED,
                        "The worker API needs a worker token:"
                                + " Authorization: Bearer <token> from 'lanechat users add NAME --worker'."));
        ctx.attribute(WORKER, worker);
    }

    /** The worker {@link #authenticate} let in. */
    private static Worker worker(Context ctx) {
        Worker worker = ctx.attribute(WORKER);
        if (worker == null) {
            throw new IllegalStateException("a worker route ran without WorkerHandlers.authenticate");
        }
        return worker;
    }

    /**
     * A task of a lane this worker may not serve is, to it, a task that does not exist: the same
     * 404 as an unknown id, so a limited worker learns nothing of other lanes' tasks.
     */
    void checkLane(Context ctx, String taskId) {
        Worker worker = worker(ctx);
        if (worker.lanes() != null
                && !queries.laneOf(taskId).map(worker::mayServe).orElse(false)) {
            throw Rejection.notFound("task");
        }
    }

    void claim(Context ctx) {
        String name = ctx.pathParam("lane");
        // A lane this worker may not serve gets the answer of an unknown lane.
        Lane lane = lanes.find(name)
                .filter(l -> worker(ctx).mayServe(l.name()))
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

    /** {@code GET /api/tasks/{id}/files/{file_id}}: only for a running task of a worker lane this worker serves. */
    void taskFile(Context ctx, FileHandlers files) {
        String taskId = ctx.pathParam("id");
        checkLane(ctx, taskId);
        // Only a task of a lane served by workers: an in-server lane's files are no worker's.
        if (!queries.laneOf(taskId)
                .flatMap(lanes::find)
                .map(Lane::servedByWorkers)
                .orElse(false)) {
            throw Rejection.notFound("running task");
        }
        files.taskFile(ctx);
    }

    void heartbeat(Context ctx) {
        String taskId = ctx.pathParam("id");
        String leaseId = JsonBody.read(ctx, json, limits.maxBodyBytes(), false).requiredText("lease_id");
        checkLane(ctx, taskId);
        String expires =
                claims.heartbeat(taskId, leaseId).map(Timestamps::format).orElseThrow(() -> lost(taskId));
        ctx.json(Map.of("lease_expires_at", expires));
    }

    void complete(Context ctx) {
        String taskId = ctx.pathParam("id");
        JsonBody body = JsonBody.read(ctx, json, MAX_COMPLETE_BODY, false);
        String leaseId = body.requiredText("lease_id");
        String content = content(body);
        String model = body.optionalText("model");
        if (model != null && model.length() > 200) {
            throw Rejection.invalid("\"model\" may have at most 200 characters.");
        }
        double cost = cost(body.field("cost_usd"));
        long promptTokens = tokens(body, "prompt_tokens");
        long completionTokens = tokens(body, "completion_tokens");
        List<NewFile> files = files(body.field("files"));
        checkLane(ctx, taskId);
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
        checkLane(ctx, taskId);
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

    private static String content(JsonBody body) {
        JsonNode value = body.field("content");
        if (value == null || value.isNull()) {
            throw Rejection.invalid("\"content\" is required (it may be \"\" when the answer is only files).");
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"content\" must be a string.");
        }
        if (value.asText().getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
            throw Rejection.tooLarge("\"content\" is over " + (MAX_CONTENT_BYTES / 1024 / 1024) + " MiB of UTF-8.");
        }
        return value.asText();
    }

    private static double cost(JsonNode value) {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
            throw Rejection.invalid("\"cost_usd\" must be a number of US dollars, zero or more.");
        }
        return value.asDouble();
    }

    /** An optional token count of the answer (issue 20's usage): a whole number, zero or more; 0 when absent. */
    private static long tokens(JsonBody body, String field) {
        JsonNode value = body.field(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw Rejection.invalid("\"" + field + "\" must be a whole number of tokens, zero or more.");
        }
        return value.asLong();
    }

    private static List<NewFile> files(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw Rejection.invalid("\"files\" must be a list of {\"name\",\"content_type\",\"content_base64\"}.");
        }
        if (value.size() > MAX_FILES) {
            throw Rejection.invalid("\"files\" may have at most " + MAX_FILES + " items.");
        }
        List<NewFile> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String at = "files[" + i + "]";
            if (!item.isObject()) {
                throw Rejection.invalid(
                        "\"" + at + "\" must be an object with \"name\", \"content_type\" and \"content_base64\".");
            }
            String name = text(item, at, "name", true);
            if (name.length() > 255
                    || name.contains("/")
                    || name.contains("\\")
                    || name.chars().anyMatch(Character::isISOControl)
                    || name.equals(".")
                    || name.equals("..")) {
                throw Rejection.invalid("\"" + at + ".name\" must be a plain file name (no folders or control"
                        + " characters, at most 255 characters).");
            }
            String type = text(item, at, "content_type", false);
            if (type == null) {
                type = "application/octet-stream";
            } else if (type.length() > 255 || !CONTENT_TYPE.matcher(type).matches()) {
                throw Rejection.invalid("\"" + at + ".content_type\" must be a media type such as text/plain.");
            }
            JsonNode raw = item.get("content_base64");
            if (raw == null || raw.isNull()) {
                throw Rejection.invalid("\"" + at + ".content_base64\" is required.");
            }
            if (!raw.isTextual()) {
                throw Rejection.invalid("\"" + at + ".content_base64\" must be a string.");
            }
            String base64 = raw.asText();
            byte[] data;
            try {
                data = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw Rejection.invalid("\"" + at + ".content_base64\" is not valid base64.");
            }
            total += data.length;
            if (total > MAX_FILES_BYTES) {
                throw Rejection.tooLarge(
                        "The files of one answer may have at most " + (MAX_FILES_BYTES / 1024 / 1024) + " MiB in all.");
            }
            files.add(new NewFile(name, type, data));
        }
        return files;
    }

    /** A non-empty string field of a file item; null when absent and optional. */
    private static String text(JsonNode item, String at, String field, boolean required) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw Rejection.invalid("\"" + at + "." + field + "\" is required.");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"" + at + "." + field + "\" must be a string.");
        }
        if (value.asText().isBlank()) {
            throw Rejection.invalid("\"" + at + "." + field + "\" must not be empty.");
        }
        return value.asText();
    }
}
