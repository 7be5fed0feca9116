package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.oidc.OidcSignIn;
import dev.lanechat.server.limits.RateLimiter;
import io.javalin.http.Context;

/**
 * Single sign-on (protocol.md E10): {@code GET /api/auth/oidc/start} sends the browser to the
 * provider with a short-lived flow cookie; {@code GET /api/auth/oidc/callback} is where the
 * provider sends it back, and on success sets the same session cookie as {@code POST /api/session}
 * and sends the browser to the page. Without {@code --oidc-issuer} both answer 404.
 */
final class OidcHandlers {
    /** The cookie that ties a callback to the browser that began the sign-in. */
    static final String FLOW_COOKIE = "lanechat_oidc";

    private static final String FLOW_PATH = "/api/auth/oidc";

    private final OidcSignIn signIn;
    private final Authenticator authenticator;
    private final RateLimiter loginLimiter;

    /** @param signIn null when single sign-on is not configured */
    OidcHandlers(OidcSignIn signIn, Authenticator authenticator, RateLimiter loginLimiter) {
        this.signIn = signIn;
        this.authenticator = authenticator;
        this.loginLimiter = loginLimiter;
    }

    /** Every start stores a flow: it counts as a log-in attempt of its address, like {@code POST /api/session}. */
    void start(Context ctx) {
        OidcSignIn sso = configured();
        long waitMs = loginLimiter.acquire(ctx.ip());
        if (waitMs > 0) {
            throw Rejection.rateLimited(
                    "Too many sign-in attempts from this address; wait a moment and try again.", waitMs);
        }
        OidcSignIn.Begun begun = sso.begin();
        // SameSite=Lax, not Strict: the provider's redirect back is a cross-site navigation.
        ctx.header(
                "Set-Cookie",
                FLOW_COOKIE + "=" + begun.flowCookie() + "; Path=" + FLOW_PATH + "; HttpOnly; SameSite=Lax; Max-Age="
                        + OidcSignIn.flowSeconds() + SessionCookie.secureSuffix(ctx));
        ctx.header("Cache-Control", "no-store");
        ctx.redirect(begun.authorizationUri().toString(), io.javalin.http.HttpStatus.FOUND);
    }

    void callback(Context ctx) {
        OidcSignIn sso = configured();
        String flow = ctx.cookie(FLOW_COOKIE);
        // The flow cookie is spent whatever happens next.
        ctx.res()
                .addHeader(
                        "Set-Cookie",
                        FLOW_COOKIE + "=; Path=" + FLOW_PATH + "; HttpOnly; SameSite=Lax; Max-Age=0"
                                + SessionCookie.secureSuffix(ctx));
        ctx.header("Cache-Control", "no-store");
        User user = sso.finish(flow, ctx.queryParam("code"), ctx.queryParam("state"), ctx.queryParam("error"));
        ctx.res().addHeader("Set-Cookie", SessionCookie.set(ctx, authenticator.startSession(user)));
        ctx.redirect("/", io.javalin.http.HttpStatus.FOUND);
    }

    private OidcSignIn configured() {
        if (signIn == null) {
            throw new Rejection(
                    Rejection.Reason.NOT_FOUND,
                    "Single sign-on is not configured on this server; sign in with an API token.");
        }
        return signIn;
    }
}
