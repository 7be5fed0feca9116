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

    /** A claim takes the oldest queued task of its lane from the index, without a scan or a sort. */
    @Test
    void aClaimReadsTheQueueIndexInItsOrder() {
        try (Database database = Database.open(null, dataDir)) {
            String plan = plan(
                    database,
                    "SELECT id FROM tasks WHERE lane = 'demo' AND status = 'queued' AND lease_id IS NULL "
                            + "ORDER BY created_at, id LIMIT 1");
            assertThat(plan)
                    .contains("tasks_queue")
                    .doesNotContain("SCAN tasks")
                    .doesNotContain("TEMP B-TREE");
        }
    }

    @Test
    void theQueueDepthCountsFromTheQueueIndex() {
        try (Database database = Database.open(null, dataDir)) {
            String plan = plan(database, "SELECT COUNT(*) FROM tasks WHERE lane = 'demo' AND status = 'queued'");
            assertThat(plan).contains("tasks_queue").doesNotContain("SCAN tasks ");
        }
    }

    private static String plan(Database database, String query) {
        List<String> rows = database.jdbi()
                .withHandle(h -> h.createQuery("EXPLAIN QUERY PLAN " + query)
                        .map((rs, ctx) -> rs.getString("detail"))
                        .list());
        return String.join("\n", rows);
    }

    /** Issue 18: the versions of a message and the walk down a switch makes read the parent index. */
    @Test
    void theChildrenOfAMessageUseTheParentIndex() {
        try (Database database = Database.open(null, dataDir)) {
            List<String> plan = database.jdbi()
                    .withHandle(
                            h -> h.createQuery("EXPLAIN QUERY PLAN SELECT id FROM messages WHERE conversation_id = :c"
                                            + " AND parent_id = :p ORDER BY position DESC LIMIT 1")
                                    .bind("c", "c")
                                    .bind("p", "p")
                                    .map((rs, ctx) -> rs.getString("detail"))
                                    .list());
            assertThat(String.join("\n", plan)).contains("messages_by_parent").doesNotContain("SCAN messages");
        }
    }

    /** Issue 18: each step up the path (the history a lane gets, a page of the read) is one primary-key read. */
    @Test
    void theWalkUpThePathReadsByPrimaryKey() {
        try (Database database = Database.open(null, dataDir)) {
            List<String> plan = database.jdbi()
                    .withHandle(h -> h.createQuery("EXPLAIN QUERY PLAN WITH RECURSIVE path (id, parent_id, depth) AS ("
                                    + "SELECT id, parent_id, 1 FROM messages WHERE id = :start AND conversation_id = :c "
                                    + "UNION ALL SELECT m.id, m.parent_id, path.depth + 1 FROM messages m JOIN path "
                                    + "ON m.id = path.parent_id WHERE path.depth < 10) SELECT id FROM path")
                            .bind("start", "s")
                            .bind("c", "c")
                            .map((rs, ctx) -> rs.getString("detail"))
                            .list());
            String text = String.join("\n", plan);
            assertThat(text).doesNotContain("SCAN messages").doesNotContain("SCAN m ");
            assertThat(text).contains("SEARCH m USING INDEX");
        }
    }
}
