package dev.lanechat.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.store.Timestamps;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Remembered answers to sends that carried an {@code Idempotency-Key}, per user, for at least a day. */
final class IdempotencyKeys {
    /** How long a key is kept; the contract promises at least 24 h. */
    static final Duration KEEP = Duration.ofDays(2);

    private final Jdbi jdbi;
    private final ObjectMapper json;
    private final Clock clock;

    IdempotencyKeys(Jdbi jdbi, ObjectMapper json, Clock clock) {
        this.jdbi = jdbi;
        this.json = json;
        this.clock = clock;
    }

    /** The first answer to a repeat of the request {@code requestHash} under {@code key}; 409 for another request. */
    Optional<Accepted> repeat(Handle h, String userId, String key, String requestHash) {
        return h.createQuery(
                        "SELECT request_hash, response FROM idempotency_keys WHERE user_id = :user AND idem_key = :key")
                .bind("user", userId)
                .bind("key", key)
                .map((rs, ctx) -> new Stored(rs.getString("request_hash"), rs.getString("response")))
                .findOne()
                .map(stored -> {
                    if (!stored.requestHash().equals(requestHash)) {
                        throw Rejection.conflict(
                                "This Idempotency-Key was used for a different request; use a new key.");
                    }
                    try {
                        return json.readValue(stored.response(), Accepted.class);
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored idempotent answer is unreadable", e);
                    }
                });
    }

    private record Stored(String requestHash, String response) {}

    /** Remembers {@code accepted} as the answer to the request {@code requestHash} under {@code key}. */
    void insert(Handle h, String userId, String key, String requestHash, Accepted accepted) {
        h.createUpdate("INSERT INTO idempotency_keys (user_id, idem_key, request_hash, response, created_at) "
                        + "VALUES (:user, :key, :hash, :response, :now)")
                .bind("user", userId)
                .bind("key", key)
                .bind("hash", requestHash)
                .bind("response", write(accepted))
                .bind("now", Timestamps.format(clock.instant()))
                .execute();
    }

    int deleteExpired() {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM idempotency_keys WHERE created_at < :cutoff")
                .bind("cutoff", Timestamps.format(clock.instant().minus(KEEP)))
                .execute());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request's fingerprint for its idempotency key (a send's is that of version 1: id, content, lane). */
    static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
