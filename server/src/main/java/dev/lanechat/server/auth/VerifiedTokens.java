package dev.lanechat.server.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verified user tokens by their hash (never the token itself), each believed for a while without
 * asking the store; {@link Users#byToken} reads and fills it.
 */
final class VerifiedTokens {
    /**
     * How long a verified user token is believed without asking the store (issue 15: one indexed
     * read per request and socket, on a pool connection whose cache every commit cools). A revoke
     * through {@link Users} drops its entries at once; one from another process or node (the
     * {@code users revoke} command) is seen within this, well inside the 2 s in which
     * {@link CredentialWatch} must end a revoked token's connections.
     */
    static final long FOR_MS = 1000;
    /** Bounds the cache; past it, it starts over. */
    private static final int MAX = 10_000;

    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    private record Verified(User user, long untilMs) {}

    /** The user whose token has this hash, while it is still believed at {@code nowMs}; else null. */
    User believed(String hash, long nowMs) {
        Verified known = verified.get(hash);
        return known != null && nowMs < known.untilMs() ? known.user() : null;
    }

    /** Believes the token with this hash to be {@code user}'s from {@code nowMs} on, for {@link #FOR_MS}. */
    void remember(String hash, User user, long nowMs) {
        if (verified.size() >= MAX) {
            verified.clear();
        }
        verified.put(hash, new Verified(user, nowMs + FOR_MS));
    }

    void forget(String hash) {
        verified.remove(hash);
    }

    /** Forgets every token of the user called {@code name} (it was revoked). */
    void forgetUser(String name) {
        verified.values().removeIf(v -> v.user().name().equals(name));
    }
}
