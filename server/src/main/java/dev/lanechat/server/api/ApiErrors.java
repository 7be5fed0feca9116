package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.logging.LogText;
import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.store.Timestamps;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error mapper: every non-2xx answer of the API is
 * {@code {"error":{"code","message"}}} with the contract's status and code. Expected errors log
 * nothing; an unexpected one logs its scrubbed stack trace once (no exception's text: see
 * {@link StoreErrors}) and answers 500 without it.
 */
final class ApiErrors {
    private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

    private static final String WRITTEN = "lanechat.error-written";

    private ApiErrors() {}

    static void register(JavalinConfig config) {
        config.routes.exception(Rejection.class, (e, ctx) -> {
            if (e.reason() == Rejection.Reason.RATE_LIMITED || e.reason() == Rejection.Reason.QUOTA_EXCEEDED) {
                ctx.header("Retry-After", String.valueOf(Math.max(1, (e.retryAfterMs() + 999) / 1000)));
            }
            if (e.reason() == Rejection.Reason.QUOTA_EXCEEDED) {
                // The one error with a field beyond code and message: when the quota resets (issue 20).
                ctx.attribute(WRITTEN, true);
                ctx.status(e.reason().status())
                        .json(Map.of(
                                "error",
                                Map.of(
                                        "code",
                                        e.reason().code(),
                                        "message",
                                        e.getMessage(),
                                        "resets_at",
                                        Timestamps.format(e.resetsAt()))));
                return;
            }
            write(ctx, e.reason(), e.getMessage());
        });
        config.routes.exception(HttpResponseException.class, (e, ctx) -> {
            if (e.getStatus() == 404) {
                notFound(ctx); // a path with no route: one answer, which does not echo the path
            } else {
                writeStatus(ctx, e.getStatus(), e.getMessage());
            }
        });
        config.routes.exception(Exception.class, (e, ctx) -> {
            if (StoreErrors.isUnreachable(e)) {
                // The database is away (restarting, failing over): a client should retry, not report a bug.
                log.warn(
                        "Store unreachable on {} {}: {}",
                        ctx.method(),
                        LogText.clean(ctx.path()),
                        StoreErrors.describe(e));
                ctx.header("Retry-After", "1");
                write(
                        ctx,
                        Rejection.Reason.UNAVAILABLE,
                        "The store cannot be reached right now; try again in a moment.");
                return;
            }
            // The trace is logged scrubbed: the classes and frames, none of the exceptions' texts
            // (Jdbi's quotes the statement's bound values: a message, a token's hash).
            log.error(
                    "Unexpected error on {} {}: {}",
                    ctx.method(),
                    LogText.clean(ctx.path()),
                    StoreErrors.describeWithPlace(e),
                    StoreErrors.scrubbed(e));
            writeStatus(ctx, 500, "Something went wrong on the server; try again.");
        });
        config.routes.error(405, "*", ctx -> {
            if (ctx.attribute(WRITTEN) == null) {
                writeStatus(ctx, 405, "This path does not take " + ctx.method() + ".");
            }
        });
    }

    /** The answer to a path with no route, unless a handler already wrote its own 404. */
    static void notFound(Context ctx) {
        if (ctx.attribute(WRITTEN) == null) {
            writeStatus(ctx, 404, "Nothing here; see protocol.md for the API's paths.");
        }
    }

    static void write(Context ctx, Rejection.Reason reason, String message) {
        send(ctx, reason.status(), reason.code(), message);
    }

    private static void writeStatus(Context ctx, int status, String message) {
        String text = message == null || message.isBlank() ? "The request cannot be served." : message;
        send(ctx, status, Rejection.Reason.forStatus(status).code(), text);
    }

    private static void send(Context ctx, int status, String code, String message) {
        ctx.attribute(WRITTEN, true);
        ctx.status(status).json(Map.of("error", Map.of("code", code, "message", message)));
    }
}
