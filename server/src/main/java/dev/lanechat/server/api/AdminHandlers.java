package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.admin.AdminService;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.config.Quota;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * HTTP in and out of the admin API (issue 20; every route {@link Access#ADMIN}, see protocol.md):
 * the users table, creating a user or worker token, revoking, quotas, everyone's usage.
 */
final class AdminHandlers {
    static final int MAX_USAGE_DAYS = 366;
    private static final long MAX_MESSAGES = 1_000_000_000L;
    private static final double MAX_USD = 1_000_000_000.0;

    private final AdminService admin;
    private final ObjectMapper json;
    private final Limits limits;

    AdminHandlers(AdminService admin, ObjectMapper json, Limits limits) {
        this.admin = admin;
        this.json = json;
        this.limits = limits;
    }

    void users(Context ctx) {
        ctx.json(Map.of("users", admin.users()));
    }

    /** {@code {"name", "kind"?: "user"|"worker", "role"?: "user"|"admin", "lanes"?: [..]}} → 201 with the token. */
    void create(Context ctx) {
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), false);
        String name = body.requiredText("name");
        String kind = oneOf(body, "kind", Users.USER, Users.WORKER);
        String role = oneOf(body, "role", Users.ROLE_USER, Users.ROLE_ADMIN);
        List<String> lanes = lanes(body.field("lanes"));
        ctx.status(201).json(admin.create(name, kind, role, lanes));
    }

    void revoke(Context ctx) {
        String name = ctx.pathParam("name");
        if (!admin.revoke(name)) {
            throw Rejection.notFound("user");
        }
        ctx.json(Map.of("name", name, "revoked", true));
    }

    /** {@code {"messages_per_day": N|null, "usd_per_month": X|null}}: a user's own quota; null or absent is the default. */
    void setQuota(Context ctx) {
        JsonBody body = JsonBody.read(ctx, json, limits.maxBodyBytes(), false);
        Long messages = wholeNumber(body.field("messages_per_day"));
        Double usd = dollars(body.field("usd_per_month"));
        ctx.json(admin.setQuota(ctx.pathParam("name"), new Quota(messages, usd))
                .orElseThrow(() -> Rejection.notFound("user")));
    }

    /** {@code ?days=N} (1 to 366, default 31): every user's usage by day, newest first. */
    void usage(Context ctx) {
        ctx.json(Map.of("days", admin.usage(days(ctx))));
    }

    static int days(Context ctx) {
        String value = ctx.queryParam("days");
        if (value == null) {
            return 31;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_USAGE_DAYS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Rejection.invalid("\"days\" must be a whole number from 1 to " + MAX_USAGE_DAYS + ".");
    }

    private static String oneOf(JsonBody body, String field, String fallback, String other) {
        String value = body.optionalText(field);
        if (value == null) {
            return fallback;
        }
        if (!value.equals(fallback) && !value.equals(other)) {
            throw Rejection.invalid("\"" + field + "\" must be \"" + fallback + "\" or \"" + other + "\".");
        }
        return value;
    }

    private static List<String> lanes(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray() || value.isEmpty()) {
            throw Rejection.invalid("\"lanes\" must be a list of one or more lane names.");
        }
        List<String> lanes = new ArrayList<>();
        for (JsonNode lane : value) {
            if (!lane.isTextual()) {
                throw Rejection.invalid("\"lanes\" must be a list of lane names (strings).");
            }
            lanes.add(lane.asText());
        }
        return lanes;
    }

    private static Long wholeNumber(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > MAX_MESSAGES) {
            throw Rejection.invalid("\"messages_per_day\" must be a whole number from 0 to " + MAX_MESSAGES
                    + ", or null for the server's default.");
        }
        return value.asLong();
    }

    private static Double dollars(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()
                || !Double.isFinite(value.asDouble())
                || value.asDouble() < 0
                || value.asDouble() > MAX_USD) {
            throw Rejection.invalid("\"usd_per_month\" must be a number of US dollars from 0 to 1000000000, or null"
                    + " for the server's default.");
        }
        return value.asDouble();
    }
}
