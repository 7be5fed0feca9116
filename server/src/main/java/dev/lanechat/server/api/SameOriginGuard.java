package dev.lanechat.server.api;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.auth.HostPolicy;
import dev.lanechat.server.auth.OriginPolicy;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Set;

/**
 * Refuses, before any route's handler, what a foreign web page could make a browser send (403
 * {@code forbidden}):
 * <ul>
 *   <li>in open mode, any request whose {@code Host} is not a loopback name or on
 *       {@code --allowed-hosts} (DNS rebinding: see {@link HostPolicy});</li>
 *   <li>in both modes, a state-changing request (POST, PUT, PATCH, DELETE) whose {@code Origin}
 *       is neither the server's own (the {@code Host} it was sent to) nor on
 *       {@code --allowed-origins}, whatever its body or content type: a form or a
 *       {@code fetch(…, {mode: "no-cors"})} from another site needs no CORS to be sent.</li>
 * </ul>
 * A request without {@code Origin} comes from a program, not a page, and passes the second check.
 */
final class SameOriginGuard {
    private static final Set<HandlerType> STATE_CHANGING =
            Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);

    private final AuthMode mode;
    private final HostPolicy hosts;
    private final OriginPolicy origins;

    SameOriginGuard(AuthMode mode, HostPolicy hosts, OriginPolicy origins) {
        this.mode = mode;
        this.hosts = hosts;
        this.origins = origins;
    }

    /** For every HTTP request, matched or not (a {@code before} handler). */
    void check(Context ctx) {
        checkHost(ctx);
        String host = ctx.header("Host");
        if (STATE_CHANGING.contains(ctx.method())
                && !sameOrigin(ctx.header("Origin"), ctx.header("Sec-Fetch-Site"), host)) {
            throw Rejection.forbidden("A page of another origin may not change anything here; if that page is"
                    + " yours, start the server with --allowed-origins naming it.");
        }
    }

    private boolean sameOrigin(String origin, String fetchSite, String host) {
        if (origin == null) {
            // No Origin: a program, unless the browser says the request is another site's.
            return fetchSite == null
                    || !(fetchSite.equalsIgnoreCase("cross-site") || fetchSite.equalsIgnoreCase("same-site"));
        }
        return !origin.isBlank() && origins.allows(origin, host);
    }

    /** For HTTP requests and socket upgrades alike: a socket from a foreign Host is never upgraded. */
    void checkHost(Context ctx) {
        if (mode == AuthMode.OPEN && !hosts.allows(ctx.header("Host"))) {
            throw foreignHost();
        }
    }

    private static Rejection foreignHost() {
        return Rejection.forbidden("In open mode this server answers only its loopback names (127.0.0.1,"
                + " localhost, [::1]); add this name with --allowed-hosts, or run with --auth token.");
    }
}
