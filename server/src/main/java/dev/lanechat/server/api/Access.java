package dev.lanechat.server.api;

import io.javalin.security.RouteRole;

/**
 * Who may call a route, declared where the route is registered ({@code r.get(path, handler,
 * Access.USER)}) and enforced by {@link AccessGuard} on the route Javalin matched, never on the
 * raw path. A route registered without exactly one of these is refused with 500 (and fails the
 * route × credential test), so a new route cannot be open by accident.
 */
public enum Access implements RouteRole {
    /** No credentials needed: health, log-in, log-out, metrics. */
    ANYONE,
    /** A user: an API token ({@code Authorization: Bearer}) or a session cookie; open mode's local user. */
    USER,
    /** An external worker: a worker token ({@code users add NAME --worker}); anyone in open mode. */
    WORKER,
    /**
     * A user whose role is admin ({@code users add NAME --admin}); open mode's local user. Anyone
     * else (a user, a worker, no credentials) gets the 404 of a path with no route (issue 20), so
     * the admin API does not even show that it exists.
     */
    ADMIN
}
