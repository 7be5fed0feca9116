package dev.lanechat.server.api;

import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;

/** Resolves the caller of each API request once (a before-handler) and hands it to the handlers. */
final class CurrentUser {
    private static final String KEY = "lanechat.user";

    private CurrentUser() {}

    static void resolve(Context ctx, Authenticator authenticator) {
        String header = ctx.header("Authorization");
        String credentials = header != null && header.startsWith("Bearer ") ? header.substring(7).trim() : null;
        User user = authenticator.authenticate(credentials)
                .orElseThrow(() -> new UnauthorizedResponse("Send a valid API token as Authorization: Bearer <token>."));
        ctx.attribute(KEY, user);
    }

    static String id(Context ctx) {
        User user = ctx.attribute(KEY);
        return user.id();
    }
}
