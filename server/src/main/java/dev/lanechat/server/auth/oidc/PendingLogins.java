package dev.lanechat.server.auth.oidc;

import dev.lanechat.server.auth.Secrets;
import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Sign-ins under way (table {@code oidc_logins}): the state, nonce and PKCE verifier of each flow,
 * keyed by the hash of a random value the browser holds in a cookie. Kept in the store, not in
 * memory, so the provider may send the browser back to any node; taken (deleted) as it is read,
 * so a flow completes at most once.
 */
final class PendingLogins {
    /** How long a person has to get through the provider's login page. */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    /** One flow's secrets, as the callback needs them. */
    record Pending(String state, String nonce, String codeVerifier) {}

    private final Jdbi jdbi;
    private final Clock clock;

    PendingLogins(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Stores a flow; returns the value for the browser's cookie. Flows past their time go first. */
    String begin(Pending pending) {
        String browserKey = Secrets.newSecret("lo_");
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM oidc_logins WHERE expires_at <= :now")
                    .bind("now", Timestamps.format(clock.instant()))
                    .execute();
            h.createUpdate("INSERT INTO oidc_logins (id_hash, state, nonce, code_verifier, created_at, expires_at) "
                            + "VALUES (:hash, :state, :nonce, :verifier, :now, :expires)")
                    .bind("hash", Secrets.hash(browserKey))
                    .bind("state", pending.state())
                    .bind("nonce", pending.nonce())
                    .bind("verifier", pending.codeVerifier())
                    .bind("now", Timestamps.format(clock.instant()))
                    .bind("expires", Timestamps.format(clock.instant().plus(LIFETIME)))
                    .execute();
        });
        return browserKey;
    }

    /**
     * The flow this browser began, if it has not ended or expired, and ends it: a second callback
     * with the same cookie (a replayed or reused code) finds nothing. Exactly one of two racing
     * callbacks gets it (the one whose DELETE removed the row).
     */
    Optional<Pending> take(String browserKey) {
        if (browserKey == null || browserKey.isBlank()) {
            return Optional.empty();
        }
        String hash = Secrets.hash(browserKey);
        return jdbi.inTransaction(h -> {
            Optional<Pending> found = h.createQuery("SELECT state, nonce, code_verifier FROM oidc_logins "
                            + "WHERE id_hash = :hash AND expires_at > :now")
                    .bind("hash", hash)
                    .bind("now", Timestamps.format(clock.instant()))
                    .map((rs, ctx) ->
                            new Pending(rs.getString("state"), rs.getString("nonce"), rs.getString("code_verifier")))
                    .findOne();
            int deleted = h.createUpdate("DELETE FROM oidc_logins WHERE id_hash = :hash")
                    .bind("hash", hash)
                    .execute();
            return deleted == 1 ? found : Optional.empty();
        });
    }
}
