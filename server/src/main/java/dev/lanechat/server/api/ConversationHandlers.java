package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.ConversationChange;
import dev.lanechat.server.conversations.ConversationList;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.tasks.Submissions;
import dev.lanechat.server.usage.Quotas;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;

/** HTTP in and out for conversations and sending messages; the work is the services'. */
final class ConversationHandlers {
    private static final int MAX_TITLE_CHARS = 200;
    private static final int MAX_IDEMPOTENCY_KEY = 255;

    private final ConversationService conversations;
    private final Submissions submissions;
    private final ObjectMapper json;
    private final Limits limits;
    private final RateLimiter sendLimiter;
    private final Quotas quotas;

    ConversationHandlers(
            ConversationService conversations,
            Submissions submissions,
            ObjectMapper json,
            Limits limits,
            RateLimiter sendLimiter,
            Quotas quotas) {
        this.quotas = quotas;
        this.conversations = conversations;
        this.submissions = submissions;
        this.json = json;
        this.limits = limits;
        this.sendLimiter = sendLimiter;
    }

    /**
     * A page of conversations as a plain JSON array (as in version 1); the next page's cursor, when
     * there is one, in {@code Link: <…>; rel="next"} and {@code X-Next-Cursor}.
     */
    void list(Context ctx) {
        int limit = QueryParams.limit(ctx, ConversationService.DEFAULT_LIST_LIMIT, ConversationService.MAX_LIST_LIMIT);
        ConversationList page = conversations.list(CurrentUser.id(ctx), QueryParams.optionalText(ctx, "before"), limit);
        if (page.nextCursor() != null) {
            ctx.header(
                    "Link", "</api/conversations?limit=" + limit + "&before=" + page.nextCursor() + ">; rel=\"next\"");
            ctx.header("X-Next-Cursor", page.nextCursor());
        }
        ctx.json(page.conversations());
    }

    void create(Context ctx) {
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), true);
        String title = title(body, false);
        String lane = body.optionalText("lane");
        String systemPrompt = body.nullableText("system_prompt");
        ctx.status(201).json(conversations.create(CurrentUser.id(ctx), title, lane, systemPrompt));
    }

    void get(Context ctx) {
        int limit = QueryParams.limit(
                ctx, ConversationService.DEFAULT_MESSAGE_LIMIT, ConversationService.MAX_MESSAGE_LIMIT);
        String before = QueryParams.optionalText(ctx, "before");
        ctx.json(conversations.get(CurrentUser.id(ctx), ctx.pathParam("id"), before, limit));
    }

    /**
     * {@code PATCH /api/conversations/{id}}: any of {@code title}, {@code lane} (null: the server's
     * default) and {@code system_prompt} (null or "": none); a body naming none of them is 400.
     */
    void update(Context ctx) {
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), false);
        boolean setsTitle = body.has("title");
        boolean setsLane = body.has("lane");
        boolean setsPrompt = body.has("system_prompt");
        if (!setsTitle && !setsLane && !setsPrompt) {
            throw Rejection.invalid("Name at least one of \"title\", \"lane\" and \"system_prompt\" to change.");
        }
        ConversationChange change = new ConversationChange(
                setsTitle ? title(body, true) : null,
                setsLane,
                setsLane ? body.optionalText("lane") : null,
                setsPrompt,
                setsPrompt ? body.nullableText("system_prompt") : null);
        ctx.json(conversations.update(CurrentUser.id(ctx), ctx.pathParam("id"), change));
    }

    void delete(Context ctx) {
        conversations.delete(CurrentUser.id(ctx), ctx.pathParam("id"));
        ctx.status(204);
    }

    void send(Context ctx) {
        admitSend(ctx);
        SendBody body = sendBody(ctx);
        String key = idempotencyKey(ctx);
        quotas.admit(CurrentUser.id(ctx)); // 429 quota_exceeded, with when it resets (issue 20)
        ctx.status(202)
                .json(submissions.submit(
                        CurrentUser.id(ctx),
                        ctx.pathParam("id"),
                        body.content(),
                        body.lane(),
                        key,
                        body.attachments()));
    }

    /** {@code POST /api/conversations/{id}/messages/{message_id}/regenerate} with an optional {@code {"lane"}} (E12). */
    void regenerate(Context ctx) {
        admitSend(ctx);
        String lane = JsonBody.read(ctx, json, limits.maxBodyBytes(), true).optionalText("lane");
        String key = idempotencyKey(ctx);
        quotas.admit(CurrentUser.id(ctx));
        ctx.status(202)
                .json(submissions.regenerate(
                        CurrentUser.id(ctx), ctx.pathParam("id"), ctx.pathParam("message_id"), lane, key));
    }

    /** {@code POST /api/conversations/{id}/messages/{message_id}/edit} with the send's body (E12). */
    void edit(Context ctx) {
        admitSend(ctx);
        SendBody body = sendBody(ctx);
        if (!body.attachments().isEmpty()) {
            throw Rejection.invalid("An edit takes no attachments; send the files with a new message.");
        }
        String key = idempotencyKey(ctx);
        quotas.admit(CurrentUser.id(ctx));
        ctx.status(202)
                .json(submissions.edit(
                        CurrentUser.id(ctx),
                        ctx.pathParam("id"),
                        ctx.pathParam("message_id"),
                        body.content(),
                        body.lane(),
                        key));
    }

    /** {@code POST /api/conversations/{id}/switch} with {@code {"message_id"}} (E12): the read along the new path. */
    void switchPath(Context ctx) {
        String messageId =
                JsonBody.read(ctx, json, limits.maxBodyBytes(), false).requiredText("message_id");
        ctx.json(conversations.switchTo(CurrentUser.id(ctx), ctx.pathParam("id"), messageId));
    }

    /** What a send (and an edit) carries: the message's text and the lane asked for (null: the default). */
    private record SendBody(String content, String lane, java.util.List<String> attachments) {}

    /** The body of a send or an edit, checked: one parser, so both take the same fields with the same errors. */
    private SendBody sendBody(Context ctx) {
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), false);
        String content = body.requiredText("content");
        if (content.getBytes(StandardCharsets.UTF_8).length > limits.maxContentBytes()) {
            throw Rejection.tooLarge("\"content\" is over " + (limits.maxContentBytes() / 1024) + " KiB of UTF-8.");
        }
        return new SendBody(content, body.optionalText("lane"), attachments(body.field("attachments")));
    }

    /** The optional {@code attachments}: a list of upload ids (E14), at most 8, none twice. */
    private static java.util.List<String> attachments(com.fasterxml.jackson.databind.JsonNode value) {
        if (value == null || value.isNull()) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw Rejection.invalid("\"attachments\" must be a list of upload ids.");
        }
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode item : value) {
            if (!item.isTextual() || item.asText().isBlank() || item.asText().length() > 64) {
                throw Rejection.invalid("\"attachments\" must be a list of upload ids (strings).");
            }
            ids.add(item.asText());
        }
        return dev.lanechat.server.files.Uploads.checkIds(ids);
    }

    /** Every request that queues a task shares the user's send rate. */
    private void admitSend(Context ctx) {
        long waitMs = sendLimiter.acquire(CurrentUser.id(ctx));
        if (waitMs > 0) {
            throw Rejection.rateLimited("Too many messages at once; wait a moment and send again.", waitMs);
        }
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key != null && (key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY)) {
            throw Rejection.invalid("Idempotency-Key must be 1 to 255 characters.");
        }
        return key;
    }

    /** {@code POST /api/conversations/{id}/read} with an optional {@code {"message_id"}} (E8). */
    void markRead(Context ctx) {
        String messageId = JsonBody.read(ctx, json, limits.maxBodyBytes(), true).optionalText("message_id");
        long unread = conversations.markRead(CurrentUser.id(ctx), ctx.pathParam("id"), messageId);
        ctx.json(java.util.Map.of("conversation_id", ctx.pathParam("id"), "unread_count", unread));
    }

    private static String title(JsonBody body, boolean required) {
        String title = required ? body.requiredText("title") : body.optionalText("title");
        if (title != null && title.strip().length() > MAX_TITLE_CHARS) {
            throw Rejection.invalid("\"title\" may have at most " + MAX_TITLE_CHARS + " characters.");
        }
        return title == null ? null : title.strip();
    }
}
