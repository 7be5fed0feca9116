package dev.lanechat.server.auth;

import java.util.Optional;

/**
 * Says which user a request or a socket acts for. In open mode every caller is the one local
 * user; in token mode a caller shows an API token ({@code Authorization: Bearer}, or in the
 * socket's subscribe frame) or a session cookie.
 */
public final class Authenticator {
    /** The name of the session cookie. */
    public static final String COOKIE = "lanechat_session";

    private final AuthMode mode;
    private final Users users;
    private final Sessions sessions;
    private final User localUser;
    /** Open mode's one credential, shared by every socket and long-poll (issue 16: not 24 B a socket). */
    private final Credential localCredential;

    /** @param localUser the one user of open mode; null in token mode */
    public Authenticator(AuthMode mode, Users users, Sessions sessions, User localUser) {
        this.mode = mode;
        this.users = users;
        this.sessions = sessions;
        this.localUser = localUser;
        this.localCredential = localUser == null ? null : Credential.local(localUser.id());
    }

    /** The token of an {@code Authorization: Bearer <token>} header value, or null for any other value. */
    public static String bearerToken(String authorizationHeader) {
        return authorizationHeader != null && authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorizationHeader.substring(7).trim()
                : null;
    }

    public AuthMode mode() {
        return mode;
    }

    /** The caller with this bearer token and/or session cookie (either may be null). */
    public Optional<User> authenticate(String bearerToken, String sessionCookie) {
        if (mode == AuthMode.OPEN) {
            return Optional.of(localUser);
        }
        if (bearerToken != null && !bearerToken.isBlank()) {
            return users.byToken(bearerToken);
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            return sessions.find(sessionCookie);
        }
        return Optional.empty();
    }

    /**
     * {@link #authenticate}, and how: the credential to check again while a socket stays open
     * (see {@link CredentialWatch}).
     */
    public Optional<Credential> identify(String bearerToken, String sessionCookie) {
        return authenticate(bearerToken, sessionCookie).map(user -> credentialOf(user, bearerToken, sessionCookie));
    }

    /**
     * The credential with which {@code user} was just authenticated from this bearer token and/or
     * session cookie (as {@link #authenticate} chose between them). Reads nothing from the store.
     */
    public Credential credentialOf(User user, String bearerToken, String sessionCookie) {
        if (mode == AuthMode.OPEN) {
            return localCredential != null && localCredential.userId().equals(user.id())
                    ? localCredential
                    : Credential.local(user.id());
        }
        if (bearerToken != null && !bearerToken.isBlank()) {
            return Credential.token(user.id(), bearerToken);
        }
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            return Credential.session(user.id(), sessionCookie);
        }
        throw new IllegalArgumentException("no credential to remember");
    }

    /**
     * The worker a caller of the worker API is: in open mode anyone, serving every lane (the server
     * listens on loopback only); in token mode the holder of a live worker token
     * ({@code users add NAME --worker [--lanes a,b]}), with the lanes it may serve.
     */
    public Optional<Worker> authenticateWorker(String bearerToken) {
        if (mode == AuthMode.OPEN) {
            return Optional.of(Worker.open());
        }
        if (bearerToken == null || bearerToken.isBlank()) {
            return Optional.empty();
        }
        return users.workerByToken(bearerToken);
    }

    /** The user of an API token (for {@code POST /api/session}); in open mode, the local user. */
    public Optional<User> byToken(String token) {
        return mode == AuthMode.OPEN ? Optional.of(localUser) : users.byToken(token);
    }

    public String startSession(User user) {
        return sessions.start(user);
    }

    public void endSession(String sessionCookie) {
        if (sessionCookie != null && !sessionCookie.isBlank()) {
            sessions.end(sessionCookie);
        }
    }
}
