package dev.lanechat.server.tasks;

import dev.lanechat.server.store.Timestamps;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Remembered answers to sends that carried an {@code Idempotency-Key}, per user, for at least a day. */
final class IdempotencyKeys {
    /** How long a key is kept; the contract promises at least 24 h. */
    static final Duration KEEP = Duration.ofHours(48);

    record Stored(String requestHash, String response) {}

    private final Jdbi jdbi;
    private final Clock clock;

    IdempotencyKeys(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    Optional<Stored> find(Handle h, String userId, String key) {
        return h.createQuery(
                        "SELECT request_hash, response FROM idempotency_keys WHERE user_id = :user AND idem_key = :key")
                .bind("user", userId)
                .bind("key", key)
                .map((rs, ctx) -> new Stored(rs.getString("request_hash"), rs.getString("response")))
                .findOne();
    }

    void insert(Handle h, String userId, String key, String requestHash, String response) {
        h.createUpdate("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response, created_at) "
                        + "VALUES (:user, :key, :hash, :response, :now)")
                .bind("user", userId)
                .bind("key", key)
                .bind("hash", requestHash)
                .bind("response", response)
                .bind("now", Timestamps.format(clock.instant()))
                .execute();
    }

    int deleteExpired() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .bind("cutoff", Timestamps.format(clock.instant().minus(KEEP)))
                .execute());
    }
}
