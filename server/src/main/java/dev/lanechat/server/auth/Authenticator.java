package dev.lanechat.server.auth;

import java.util.Optional;

/**
 * Says which user a request or a socket acts for. In open mode (the only mode so far) every caller
 * is the one local user; token mode will read the bearer token or session cookie here.
 */
public final class Authenticator {
    private final User localUser;

    public Authenticator(User localUser) {
        this.localUser = localUser;
    }

    /**
     * The user of a caller that presents {@code credentials} (a bearer token, a cookie's value, or
     * null); empty when they are not good enough.
     */
    public Optional<User> authenticate(String credentials) {
        return Optional.of(localUser);
    }
}
