package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The migrated SQLite schema answers its hot lookups from an index, not a scan (issue 15). */
class SchemaIndexTest {
    @TempDir
    Path dataDir;

    @Test
    void aTokenLookupUsesTheTokenHashIndex() {
        try (Database database = Database.open(null, dataDir)) {
            List<String> plan = database.jdbi()
                    .withHandle(
                            h -> h.createQuery("EXPLAIN QUERY PLAN SELECT id, name FROM users WHERE token_hash = :hash "
                                            + "AND revoked_at IS NULL AND kind = :kind")
                                    .bind("hash", "x")
                                    .bind("kind", "user")
                                    .map((rs, ctx) -> rs.getString("detail"))
                                    .list());
            assertThat(String.join("\n", plan)).contains("users_by_token_hash").doesNotContain("SCAN users");
        }
    }

    @Test
    void theLeaseSweepUsesTheRunningLeaseIndex() {
        try (Database database = Database.open(null, dataDir)) {
            List<String> plan = database.jdbi()
                    .withHandle(h -> h.createQuery(
                                    "EXPLAIN QUERY PLAN SELECT id, lease_id FROM tasks WHERE status = 'running' "
                                            + "AND lease_expires_at < :deadline")
                            .bind("deadline", 0L)
                            .map((rs, ctx) -> rs.getString("detail"))
                            .list());
            assertThat(String.join("\n", plan))
                    .contains("tasks_running_by_lease")
                    .doesNotContain("SCAN tasks");
        }
    }
}
