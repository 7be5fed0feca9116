package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.UserRoles;
import dev.lanechat.server.limits.RateLimiter;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/**
 * Browser log-in: {@code POST /api/session {"token"}} trades an API token for an HttpOnly,
 * SameSite=Strict session cookie; {@code DELETE /api/session} logs out; {@code GET /api/session}
 * says who the caller is, its role (admin or user) and which auth mode the server runs in.
 */
final class SessionHandlers {
    private final Authenticator authenticator;
    private final ObjectMapper json;
    private final Limits limits;
    private final RateLimiter loginLimiter;
    private final UserRoles roles;

    /** @param loginLimiter log-in attempts by client address ({@code Config.loginBurst/loginPerMinute}) */
    SessionHandlers(
            Authenticator authenticator, ObjectMapper json, Limits limits, RateLimiter loginLimiter, UserRoles roles) {
        this.roles = roles;
        this.authenticator = authenticator;
        this.json = json;
        this.limits = limits;
        this.loginLimiter = loginLimiter;
    }

    void whoAmI(Context ctx) {
        User user = CurrentUser.get(ctx);
        ctx.json(Map.of("user", user.name(), "auth", mode(), "role", roles.roleOf(user)));
    }

    /**
     * Every attempt counts, good token or bad, before the body is read: a guesser gets no cheaper
     * attempts, and one valid token cannot create sessions without end.
     */
    void logIn(Context ctx) {
        long waitMs = loginLimiter.acquire(ctx.ip());
        if (waitMs > 0) {
            throw Rejection.rateLimited(
                    "Too many log-in attempts from this address; wait a moment and try again.", waitMs);
        }
        String token = JsonBody.read(ctx, json, limits.maxBodyBytes(), false).requiredText("token");
        User user = authenticator
                .byToken(token)
                .orElseThrow(() -> new Rejection(
                        Rejection.Reason.UNAUTHENTICATED,
                        "That token is not valid; ask your admin for one ('lanechat users add NAME')."));
        String session = authenticator.startSession(user);
        ctx.header("Set-Cookie", SessionCookie.set(ctx, session));
        ctx.json(Map.of("user", user.name(), "auth", mode(), "role", roles.roleOf(user)));
    }

    void logOut(Context ctx) {
        authenticator.endSession(ctx.cookie(Authenticator.COOKIE));
        ctx.header("Set-Cookie", SessionCookie.cleared(ctx));
        ctx.status(204);
    }

    private String mode() {
        return authenticator.mode().name().toLowerCase(Locale.ROOT);
    }
}
