package dev.lanechat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.store.Database;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.TestClock;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Last seen" on a real store: a request's note touches no table until the flush, the flush
 * writes each user's newest note, a node writes a user at most once a minute, what a failed flush
 * held is written by the next one, and a server that stops writes what it noted.
 */
class LastSeenTest {
    @TempDir
    Path dataDir;

    PgDatabase pg;
    Database database;
    TestClock clock;
    Users users;
    LastSeen lastSeen;

    @BeforeEach
    void open() {
        pg = TestServer.postgres() ? PgDatabase.create() : null;
        database = Database.open(pg == null ? null : pg.jdbcUrl(), dataDir);
        clock = new TestClock();
        users = new Users(database.jdbi(), clock);
        lastSeen = new LastSeen(database.jdbi(), clock);
    }

    @AfterEach
    void close() {
        database.close();
        if (pg != null) {
            pg.close();
        }
    }

    /** A trigger that makes every UPDATE of users fail (the store refusing the flush), or none. */
    private void refuseUpdatesOfUsers(boolean refuse) {
        database.jdbi().useHandle(h -> {
            if (pg == null) {
                h.execute(
                        refuse
                                ? "CREATE TRIGGER refuse BEFORE UPDATE ON users BEGIN SELECT RAISE(ABORT, 'refused'); END"
                                : "DROP TRIGGER refuse");
            } else if (refuse) {
                h.execute("CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"
                        + " LANGUAGE plpgsql");
                h.execute("CREATE TRIGGER refuse BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION refuse()");
            } else {
                h.execute("DROP TRIGGER refuse ON users");
            }
        });
    }

    /** The stored time, checked to be one noted between {@code from} and {@code to}. */
    private void assertStoredBetween(String userId, Instant from, Instant to) {
        Instant at = Instant.parse(stored(userId));
        assertThat(at).isBetween(from.truncatedTo(ChronoUnit.MICROS), to);
    }

    private String stored(String userId) {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT last_seen_at FROM users WHERE id = :id")
                        .bind("id", userId)
                        .mapTo(String.class)
                        .findOne()
                        .orElse(null));
    }

    @Test
    void aNoteIsWrittenByTheFlushNotByTheRequest() {
        String ann = users.ensure("ann").id();
        String bob = users.ensure("bob").id();
        Instant before = clock.instant();
        lastSeen.seen(ann);
        lastSeen.seen(bob);
        Instant after = clock.instant();
        assertThat(stored(ann)).isNull();

        lastSeen.flush();
        assertStoredBetween(ann, before, after);
        assertStoredBetween(bob, before, after);
    }

    @Test
    void aUserIsWrittenAtMostOnceAMinuteAndThenWithTheNewestTime() {
        String ann = users.ensure("ann").id();
        lastSeen.seen(ann);
        lastSeen.flush();
        String first = stored(ann);
        clock.advance(Duration.ofSeconds(59));
        lastSeen.seen(ann);
        lastSeen.flush();
        assertThat(stored(ann)).isEqualTo(first);

        clock.advance(Duration.ofSeconds(2));
        Instant before = clock.instant();
        lastSeen.seen(ann);
        Instant after = clock.instant();
        lastSeen.flush();
        assertStoredBetween(ann, before, after);
    }

    @Test
    void whatAFailedFlushHeldIsWrittenByTheNext() {
        String ann = users.ensure("ann").id();
        Instant before = clock.instant();
        lastSeen.seen(ann);
        Instant after = clock.instant();
        refuseUpdatesOfUsers(true);
        lastSeen.flush(); // fails: logged, and kept for the next flush
        refuseUpdatesOfUsers(false);
        assertThat(stored(ann)).isNull();

        lastSeen.flush();
        assertStoredBetween(ann, before, after);
    }

    @Test
    void aServerWritesWhatWasNotedWhenItStops(@TempDir Path serverDir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                TestServer.postgres(), "the server's own PostgreSQL database goes with it");
        try (TestServer server = TestServer.start(serverDir)) {
            assertThat(server.http().get("/api/conversations").status()).isEqualTo(200);
        } // well within the first second: the timer has not written yet, the stop does
        try (Database reopened = Database.open(null, serverDir)) {
            String seen = reopened.jdbi()
                    .withHandle(h -> h.createQuery("SELECT last_seen_at FROM users WHERE name = :name")
                            .bind("name", Users.LOCAL_USER_NAME)
                            .mapTo(String.class)
                            .one());
            assertThat(seen).isNotNull();
        }
    }
}
