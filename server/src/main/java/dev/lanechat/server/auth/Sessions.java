package dev.lanechat.server.auth;

import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** Browser sessions: a session id (the cookie's value) per login, stored hashed, for 30 days. */
public final class Sessions {
    public static final Duration LIFETIME = Duration.ofDays(30);

    private final Jdbi jdbi;
    private final Clock clock;

    public Sessions(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Starts a session for {@code user}; returns the id to set as the cookie. */
    public String start(User user) {
        String id = Secrets.newSecret("ls_");
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (id_hash, user_id, created_at, expires_at) "
                        + "VALUES (:hash, :user, :now, :expires)")
                .bind("hash", Secrets.hash(id))
                .bind("user", user.id())
                .bind("now", Timestamps.format(clock.instant()))
                .bind("expires", Timestamps.format(clock.instant().plus(LIFETIME)))
                .execute());
        return id;
    }

    public Optional<User> find(String sessionId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id "
                                + "WHERE s.id_hash = :hash AND s.expires_at > :now AND u.revoked_at IS NULL")
                        .bind("hash", Secrets.hash(sessionId))
                        .bind("now", Timestamps.format(clock.instant()))
                        .map((rs, ctx) -> new User(rs.getString("id"), rs.getString("name")))
                        .findOne());
    }

    /**
     * Deletes the sessions past their {@code expires_at} by this store's clock (they no longer log
     * anyone in; the hourly housekeeping calls this so the table does not grow without end).
     * Returns how many it deleted.
     */
    public int deleteExpired() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now")
                .bind("now", Timestamps.format(clock.instant()))
                .execute());
    }

    /** Which of these session hashes (at most a few hundred) are sessions that have not ended or expired. */
    public Set<String> live(Collection<String> hashes) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT id_hash FROM sessions WHERE id_hash IN (<hashes>) AND expires_at > :now")
                        .bindList("hashes", List.copyOf(hashes))
                        .bind("now", Timestamps.format(clock.instant()))
                        .mapTo(String.class)
                        .set());
    }

    public void end(String sessionId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_hash = :hash")
                .bind("hash", Secrets.hash(sessionId))
                .execute());
    }
}
