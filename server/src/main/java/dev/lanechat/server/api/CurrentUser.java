package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.UserRoles;
import io.javalin.http.Context;
import io.javalin.http.NotFoundResponse;

/** Resolves the caller of each API request once (a before-handler) and hands it to the handlers. */
final class CurrentUser {
    private static final String KEY = "lanechat.user";

    private CurrentUser() {}

    static User resolve(Context ctx, Authenticator authenticator) {
        User user = authenticator
                .authenticate(bearer(ctx), ctx.cookie(Authenticator.COOKIE))
                .orElseThrow(() -> new Rejection(
                        Rejection.Reason.UNAUTHENTICATED,
                        "Sign in: send a valid API token as Authorization: Bearer <token>, or log in on the page."));
        ctx.attribute(KEY, user);
        return user;
    }

    /**
     * The caller of an admin route, who must be an admin. Anyone else gets the very 404 of a path
     * with no route (issue 20: the admin API is refused with 404), whatever they showed.
     */
    static User resolveAdmin(Context ctx, Authenticator authenticator, UserRoles roles) {
        User user = authenticator
                .authenticate(bearer(ctx), ctx.cookie(Authenticator.COOKIE))
                .filter(roles::isAdmin)
                .orElseThrow(NotFoundResponse::new);
        ctx.attribute(KEY, user);
        return user;
    }

    static String bearer(Context ctx) {
        return Authenticator.bearerToken(ctx.header("Authorization"));
    }

    static User get(Context ctx) {
        return ctx.attribute(KEY);
    }

    static String id(Context ctx) {
        return get(ctx).id();
    }
}
