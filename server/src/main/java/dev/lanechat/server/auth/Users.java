package dev.lanechat.server.auth;

import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** The users table: who exists. Token mode (users add/list/revoke) will grow here. */
public final class Users {
    /** The one user of open mode. */
    public static final String LOCAL_USER_NAME = "local";

    private final Jdbi jdbi;
    private final Clock clock;

    public Users(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** The user called {@code name}, created if it does not exist yet. */
    public User ensure(String name) {
        return find(name).orElseGet(() -> {
            jdbi.useHandle(h -> h.createUpdate(
                            "INSERT INTO users (id, name, created_at, last_event_id) VALUES (:id, :name, :now, 0) "
                                    + "ON CONFLICT (name) DO NOTHING")
                    .bind("id", UUID.randomUUID().toString())
                    .bind("name", name)
                    .bind("now", Timestamps.format(clock.instant()))
                    .execute());
            return find(name).orElseThrow();
        });
    }

    public Optional<User> find(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, name FROM users WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new User(rs.getString("id"), rs.getString("name")))
                .findOne());
    }
}
