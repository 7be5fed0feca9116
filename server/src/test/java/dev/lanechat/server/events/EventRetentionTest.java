package dev.lanechat.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.json.Json;
import dev.lanechat.server.store.Database;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention: old events go, the newest id stays known, and a cursor into what is gone must reset. */
class EventRetentionTest {
    @TempDir
    Path dataDir;

    @Test
    void eventsPastRetentionAreDeletedAndOnlyCursorsAtOrAfterTheOldestKeptResume() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        try (Database db = Database.open(null, dataDir)) {
            User user = new Users(db.jdbi(), Clock.systemUTC()).ensure("retention");
            EventLog old = new EventLog(db, Json.newMapper(), Clock.fixed(start, ZoneOffset.UTC));
            EventLog recent =
                    new EventLog(db, Json.newMapper(), Clock.fixed(start.plus(Duration.ofDays(40)), ZoneOffset.UTC));
            for (int i = 0; i < 3; i++) {
                db.jdbi().useTransaction(h -> old.append(h, user.id(), "task.completed", Map.of("n", 1)));
            }
            for (int i = 0; i < 2; i++) {
                db.jdbi().useTransaction(h -> recent.append(h, user.id(), "task.completed", Map.of("n", 2)));
            }

            int deleted = recent.deleteOlderThan(Duration.ofDays(30));

            assertThat(deleted).isEqualTo(3);
            assertThat(recent.readAfter(user.id(), 0, 10)).extracting(Event::id).containsExactly(4L, 5L);
            EventLog.Bounds bounds = recent.bounds(user.id());
            assertThat(bounds.newest()).isEqualTo(5);
            assertThat(bounds.canResumeFrom(3)).isTrue(); // saw 1..3: 4 and 5 are still here
            assertThat(bounds.canResumeFrom(2)).isFalse(); // would miss 3: reset
            assertThat(bounds.canResumeFrom(0)).isFalse();
            assertThat(bounds.canResumeFrom(6)).isFalse(); // newer than the store: reset

            // Even when every event is past retention, the newest is kept so that its id stays known.
            EventLog later =
                    new EventLog(db, Json.newMapper(), Clock.fixed(start.plus(Duration.ofDays(400)), ZoneOffset.UTC));
            later.deleteOlderThan(Duration.ofDays(30));
            assertThat(later.readAfter(user.id(), 0, 10)).extracting(Event::id).containsExactly(5L);
            assertThat(later.bounds(user.id()).canResumeFrom(5)).isTrue();
            assertThat(later.bounds(user.id()).canResumeFrom(4)).isTrue();
            assertThat(later.bounds(user.id()).canResumeFrom(3)).isFalse();
        }
    }
}
