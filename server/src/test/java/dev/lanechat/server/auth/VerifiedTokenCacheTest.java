package dev.lanechat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verified-token cache of {@link Users#byToken} (issue 15), on a real SQLite store with a
 * clock the test moves: a revoke through the same {@code Users} ends the token at once; one by
 * another process (another {@code Users} on the same store, as the {@code users revoke} command
 * is) within {@link VerifiedTokens#FOR_MS}.
 */
class VerifiedTokenCacheTest {
    @TempDir
    Path dataDir;

    private Database database;
    private final MovableClock clock = new MovableClock();
    private Users server;
    private Users otherProcess;

    @BeforeEach
    void open() {
        database = Database.open(null, dataDir);
        server = new Users(database.jdbi(), clock);
        otherProcess = new Users(database.jdbi(), clock);
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRevokeHereEndsTheCachedTokenAtOnce() {
        String token = server.add("alice");
        assertThat(server.byToken(token)).map(User::name).contains("alice");

        server.revoke("alice");

        assertThat(server.byToken(token)).isEmpty();
    }

    @Test
    void aRevokeElsewhereEndsItWithinTheCachesTime() {
        String token = server.add("bob");
        assertThat(server.byToken(token)).isPresent();

        otherProcess.revoke("bob");
        assertThat(server.byToken(token)).as("still believed a moment").isPresent();

        clock.advance(Duration.ofMillis(VerifiedTokens.FOR_MS));
        assertThat(server.byToken(token)).isEmpty();
    }

    @Test
    void anUnknownTokenIsNeverBelieved() {
        server.add("carol");
        assertThat(server.byToken("not-a-token")).isEmpty();
    }

    /** A clock that stands still until the test moves it. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-01T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
