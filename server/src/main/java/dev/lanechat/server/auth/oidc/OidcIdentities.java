package dev.lanechat.server.auth.oidc;

import dev.lanechat.server.auth.Secrets;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Table {@code oidc_identities}: an issuer's subject is one Lanechat user, made at its first
 * sign-in. The user row and the identity row are written in one transaction, so a failed first
 * sign-in leaves neither. The subject is the key (an email may change hands); the user's name is
 * the email at first sign-in when it is a valid, free user name, else one derived from the subject.
 */
final class OidcIdentities {
    /** The syntax of a user name (auth/Users). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** A signed-in person: the user, whether it was made just now, and whether it is revoked. */
    record Resolved(User user, boolean created, boolean revoked) {}

    private final Jdbi jdbi;
    private final Clock clock;

    OidcIdentities(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The user of this identity, made now (named after {@code email}) if it signs in for the first time. */
    Resolved resolve(String issuer, String subject, String email) {
        Optional<Resolved> known = find(issuer, subject);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            return jdbi.inTransaction(h -> create(h, issuer, subject, email));
        } catch (RuntimeException e) {
            // Two first sign-ins of one person at once: the other transaction made the user.
            return find(issuer, subject).orElseThrow(() -> e);
        }
    }

    private Optional<Resolved> find(String issuer, String subject) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.id, u.name, u.revoked_at FROM oidc_identities i "
                        + "JOIN users u ON u.id = i.user_id WHERE i.issuer = :issuer AND i.subject = :subject")
                .bind("issuer", issuer)
                .bind("subject", subject)
                .map((rs, ctx) -> new Resolved(
                        new User(rs.getString("id"), rs.getString("name")), false, rs.getString("revoked_at") != null))
                .findOne());
    }

    private Resolved create(Handle h, String issuer, String subject, String email) {
        String id = UUID.randomUUID().toString();
        String now = Timestamps.format(clock.instant());
        String name = freeName(h, issuer, subject, email);
        // Like Users.ensure: a user without an API token; it signs in through the provider only.
        h.createUpdate("INSERT INTO users (id, name, created_at, last_event_id) VALUES (:id, :name, :now, 0)")
                .bind("id", id)
                .bind("name", name)
                .bind("now", now)
                .execute();
        h.createUpdate("INSERT INTO oidc_identities (issuer, subject, user_id, email, created_at) "
                        + "VALUES (:issuer, :subject, :user, :email, :now)")
                .bind("issuer", issuer)
                .bind("subject", subject)
                .bind("user", id)
                .bind("email", email)
                .bind("now", now)
                .execute();
        return new Resolved(new User(id, name), true, false);
    }

    private static String freeName(Handle h, String issuer, String subject, String email) {
        String tag = Secrets.hash(issuer + "\n" + subject).substring(0, 8);
        String wanted = email != null && NAME.matcher(email).matches() ? email : "sso-" + tag;
        if (!taken(h, wanted)) {
            return wanted;
        }
        String suffix = "-" + tag;
        return wanted.substring(0, Math.min(wanted.length(), 64 - suffix.length())) + suffix;
    }

    private static boolean taken(Handle h, String name) {
        return h.createQuery("SELECT COUNT(*) FROM users WHERE name = :name")
                        .bind("name", name)
                        .mapTo(Integer.class)
                        .one()
                > 0;
    }
}
