package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import io.javalin.http.Context;

/** Resolves the caller of each API request once (a before-handler) and hands it to the handlers. */
final class CurrentUser {
    private static final String KEY = "lanechat.user";

    private CurrentUser() {}

    static void resolve(Context ctx, Authenticator authenticator) {
        User user = authenticator.authenticate(bearer(ctx), ctx.cookie(Authenticator.COOKIE))
                .orElseThrow(() -> new Rejection(Rejection.Reason.UNAUTHENTICATED,
                        "Sign in: send a valid API token as Authorization: Bearer <token>, or log in on the page."));
        ctx.attribute(KEY, user);
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
