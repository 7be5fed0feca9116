package dev.lanechat.server.api;

import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.LastSeen;
import dev.lanechat.server.auth.UserRoles;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.javalin.security.RouteRole;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one authorization decision of the HTTP API, run as Javalin's {@code beforeMatched}: it
 * looks at the {@link Access} the matched route declared, so every spelling of a path that
 * Javalin routes to the same handler (a trailing slash, say) gets the same decision, and a path
 * that matches no route never gets here (it is 404 without any handler running).
 */
final class AccessGuard {
    private static final Logger log = LoggerFactory.getLogger(AccessGuard.class);

    private static final String ADMITTED = "lanechat.admitted";

    private final Authenticator authenticator;
    private final UserRoles roles;
    private final LastSeen lastSeen;

    AccessGuard(Authenticator authenticator, UserRoles roles, LastSeen lastSeen) {
        this.authenticator = authenticator;
        this.roles = roles;
        this.lastSeen = lastSeen;
    }

    void check(Context ctx) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        if (endpoint == null) {
            return; // a static file or the page itself: public by design, and holds no user's data
        }
        switch (declared(endpoint, ctx.routeRoles())) {
            case ANYONE -> {}
            case USER -> lastSeen.seen(CurrentUser.resolve(ctx, authenticator).id());
            case WORKER -> CurrentWorker.resolve(ctx, authenticator);
            case ADMIN ->
                lastSeen.seen(
                        CurrentUser.resolveAdmin(ctx, authenticator, roles).id());
        }
        ctx.attribute(ADMITTED, true);
    }

    /**
     * Whether this request matched a route and passed its access check: only then may the server
     * spend reads on its body. A request refused before its handler (a foreign Host or Origin, no
     * credentials, no route) was not.
     */
    static boolean admitted(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(ADMITTED));
    }

    private static Access declared(Endpoint endpoint, Set<RouteRole> roles) {
        if (roles.size() == 1 && roles.iterator().next() instanceof Access access) {
            return access;
        }
        // A programming error, refused closed: the route × credential test catches it first.
        log.error("Route {} {} declares no Access; refusing it", endpoint.method, endpoint.path);
        throw new IllegalStateException("route without a declared Access");
    }
}
