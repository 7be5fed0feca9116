package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.auth.Sessions;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14: sessions past their expiry are deleted (the hourly housekeeping calls this). */
class SessionPurgeTest {
    @TempDir
    Path dataDir;

    @Test
    void expiredSessionsAreDeletedByTheClockAndLiveOnesKept() {
        PgDatabase pg = TestServer.postgres() ? PgDatabase.create() : null;
        try (Database db = Database.open(pg == null ? null : pg.jdbcUrl(), dataDir)) {
            Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
            Clock start = Clock.fixed(t0, ZoneOffset.UTC);
            Clock later = Clock.offset(start, Sessions.LIFETIME.minus(Duration.ofDays(1)));
            Clock expired = Clock.offset(start, Sessions.LIFETIME.plus(Duration.ofSeconds(1)));
            Users users = new Users(db.jdbi(), start);
            users.add("ada");
            User ada = users.find("ada").orElseThrow();

            String old = new Sessions(db.jdbi(), start).start(ada);
            String newer = new Sessions(db.jdbi(), later).start(ada);
            assertThat(new Sessions(db.jdbi(), start).deleteExpired()).isZero();
            assertThat(count(db)).isEqualTo(2);

            Sessions atExpiry = new Sessions(db.jdbi(), expired);
            assertThat(atExpiry.deleteExpired()).isEqualTo(1);
            assertThat(count(db)).isEqualTo(1);
            assertThat(atExpiry.find(old)).isEmpty();
            assertThat(atExpiry.find(newer)).contains(ada);
            assertThat(atExpiry.deleteExpired()).isZero();
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static int count(Database db) {
        return db.jdbi()
                .withHandle(h -> h.createQuery("SELECT COUNT(*) FROM sessions")
                        .mapTo(Integer.class)
                        .one());
    }
}
