package dev.lanechat.server.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.Users;
import dev.lanechat.server.store.Database;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The housekeeping sweep of uploads (E14): one no send named for a day goes; a newer one stays. */
class UploadSweepTest {
    @TempDir
    Path dataDir;

    @Test
    void anUploadNoSendNamedForADayIsDeletedAndANewerOneStays() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        try (Database db = Database.open(null, dataDir)) {
            User user = new Users(db.jdbi(), Clock.systemUTC()).ensure("sweep");
            FileRepository files = new FileRepository(db.jdbi());
            byte[] text = "hello".getBytes(StandardCharsets.UTF_8);
            FileInfo old = new Uploads(files, Clock.fixed(start, ZoneOffset.UTC))
                    .upload(user.id(), "old.txt", "text/plain", text);
            Instant later = start.plus(Duration.ofHours(23));
            FileInfo recent = new Uploads(files, Clock.fixed(later, ZoneOffset.UTC))
                    .upload(user.id(), "recent.txt", "text/plain", text);

            Uploads at = new Uploads(files, Clock.fixed(start.plus(Duration.ofHours(25)), ZoneOffset.UTC));
            assertThat(at.sweep()).isEqualTo(1);
            assertThat(files.find(user.id(), old.id())).isEmpty();
            assertThat(files.find(user.id(), recent.id())).isPresent();
            assertThat(files.unattachedCount(user.id())).isEqualTo(1);
        }
    }
}
