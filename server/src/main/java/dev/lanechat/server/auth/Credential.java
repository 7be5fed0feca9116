package dev.lanechat.server.auth;

import java.util.Locale;

/**
 * How a socket or a long-poll proved who it acts for, remembered so that it can be checked again
 * while it stays open: the user's API token or a browser session (each kept only as its hash, as
 * the store keeps it), or open mode's local user, which nothing revokes.
 */
public record Credential(String userId, Kind kind, String hash) {

    /** What was shown. */
    public enum Kind {
        TOKEN,
        SESSION,
        LOCAL
    }

    static Credential token(String userId, String token) {
        return new Credential(userId, Kind.TOKEN, Secrets.hash(token));
    }

    static Credential session(String userId, String sessionId) {
        return new Credential(userId, Kind.SESSION, Secrets.hash(sessionId));
    }

    static Credential local(String userId) {
        return new Credential(userId, Kind.LOCAL, null);
    }

    /** Whether this credential can stop working while a connection holds it (not open mode's local user). */
    public boolean revocable() {
        return kind != Kind.LOCAL;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " of user " + userId; // never the hash
    }
}
