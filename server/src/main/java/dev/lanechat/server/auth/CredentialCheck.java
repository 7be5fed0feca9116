package dev.lanechat.server.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks the store which of a set of credentials no longer work: a token that was revoked or
 * replaced, a session that was logged out, expired, or whose user was revoked. One query per
 * {@value #CHUNK} users, and one per {@value #CHUNK} sessions, all by primary key.
 */
public final class CredentialCheck {
    static final int CHUNK = 500;

    private final Users users;
    private final Sessions sessions;

    public CredentialCheck(Users users, Sessions sessions) {
        this.users = users;
        this.sessions = sessions;
    }

    /** What the check found: the credentials that stopped working, and which of their users are revoked. */
    public record Verdict(Set<Credential> ended, Set<String> revokedUsers) {}

    public Verdict check(Set<Credential> held) {
        List<Credential> revocable = held.stream().filter(Credential::revocable).toList();
        if (revocable.isEmpty()) {
            return new Verdict(Set.of(), Set.of());
        }
        Map<String, Users.Standing> standing = new HashMap<>();
        for (List<String> ids :
                chunks(revocable.stream().map(Credential::userId).distinct().toList())) {
            standing.putAll(users.standing(ids));
        }
        Set<String> liveSessions = new HashSet<>();
        List<String> sessionHashes = revocable.stream()
                .filter(c -> c.kind() == Credential.Kind.SESSION)
                .map(Credential::hash)
                .distinct()
                .toList();
        for (List<String> hashes : chunks(sessionHashes)) {
            liveSessions.addAll(sessions.live(hashes));
        }
        Set<Credential> ended = new HashSet<>();
        Set<String> revoked = new HashSet<>();
        for (Credential credential : revocable) {
            Users.Standing user = standing.get(credential.userId());
            if (user != null && user.revoked()) {
                revoked.add(credential.userId());
            }
            boolean works = user != null
                    && !user.revoked()
                    && switch (credential.kind()) {
                        case TOKEN -> credential.hash().equals(user.tokenHash());
                        case SESSION -> liveSessions.contains(credential.hash());
                        case LOCAL -> true;
                    };
            if (!works) {
                ended.add(credential);
            }
        }
        return new Verdict(ended, revoked);
    }

    private static <T> List<List<T>> chunks(List<T> all) {
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            chunks.add(all.subList(from, Math.min(all.size(), from + CHUNK)));
        }
        return chunks;
    }
}
