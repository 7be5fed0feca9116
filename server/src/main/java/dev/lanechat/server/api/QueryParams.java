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

    /**
     * A page size: {@code fallback} when absent, else a whole number from 1 to {@code max}; any
     * other value is refused (not capped), so a client learns the bound instead of getting less
     * than it asked for without noticing.
     */
    static int limit(Context ctx, int fallback, int max) {
        String value = ctx.queryParam("limit");
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Rejection.invalid("\"limit\" must be a whole number from 1 to " + max + ".");
    }

    /** An optional text parameter: null when absent; present but empty is refused. */
    static String optionalText(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value != null && value.isEmpty()) {
            throw Rejection.invalid("\"" + name + "\" must not be empty; leave it out for the first page.");
        }
        return value;
    }

    /** {@code wait_s}, capped at {@link #MAX_WAIT_S}. */
    static long waitSeconds(Context ctx) {
        return Math.min(MAX_WAIT_S, nonNegative(ctx, "wait_s"));
    }
}
