package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import io.javalin.http.Context;

/** The query parameters of the API, read with the contract's 400 for a bad value. */
final class QueryParams {
    /** The most any long-poll waits ({@code wait_s} is capped here, not refused). */
    static final long MAX_WAIT_S = 30;

    private QueryParams() {}

    /** A non-negative whole number; 0 when absent. */
    static long nonNegative(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Rejection.invalid("\"" + name + "\" must be a non-negative whole number.");
    }

    /** {@code wait_s}, capped at {@link #MAX_WAIT_S}. */
    static long waitSeconds(Context ctx) {
        return Math.min(MAX_WAIT_S, nonNegative(ctx, "wait_s"));
    }
}
