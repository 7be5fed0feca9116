package dev.lanechat.server.api;

import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Sessions;
import io.javalin.http.Context;

/**
 * The session cookie's {@code Set-Cookie} values, one spelling for both ways of signing in (an API
 * token at {@code POST /api/session}, single sign-on at the OIDC callback) and for log-out.
 */
final class SessionCookie {
    private SessionCookie() {}

    static String set(Context ctx, String sessionId) {
        return Authenticator.COOKIE + "=" + sessionId + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + Sessions.LIFETIME.toSeconds() + secureSuffix(ctx);
    }

    static String cleared(Context ctx) {
        return Authenticator.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + secureSuffix(ctx);
    }

    /** {@code "; Secure"} when the browser reached us over HTTPS (directly, or through a proxy that says so). */
    static String secureSuffix(Context ctx) {
        boolean https =
                "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return https ? "; Secure" : "";
    }
}
