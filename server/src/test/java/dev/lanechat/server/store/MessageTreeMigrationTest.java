package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V12 (issue 18) on a store written before branches: each conversation's messages become a chain
 * by position (each one's parent is the one before it), and its chosen path ends at its newest
 * message; a conversation without messages has no leaf. On SQLite, or on PostgreSQL in the
 * PostgreSQL run.
 */
class MessageTreeMigrationTest {
    @TempDir
    Path dataDir;

    @Test
    void existingConversationsBecomeAChainEndingAtTheirNewestMessage() throws Exception {
        try (PgDatabase pg = TestServer.postgres() ? PgDatabase.create() : null) {
            Dialect dialect = pg == null ? Dialect.SQLITE : Dialect.POSTGRES;
            String url = pg == null ? "jdbc:sqlite:" + dataDir.resolve("lanechat.db") : pg.jdbcUrl();
            Flyway.configure()
                    .dataSource(url, null, null)
                    .locations(dialect.migrationLocations())
                    .placeholders(Map.of("blob_type", dialect.blobType()))
                    .target("11")
                    .load()
                    .migrate();
            try (Connection c = DriverManager.getConnection(url);
                    Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO users (id, name, created_at) VALUES ('u', 'alice', '2026-01-01')");
                for (String conversation : List.of("c1", "c2", "empty")) {
                    s.executeUpdate("INSERT INTO conversations (id, user_id, created_at, updated_at) VALUES ('"
                            + conversation + "', 'u', '2026-01-01', '2026-01-01')");
                }
                // Inserted out of order: the chain follows the positions, not the rows.
                for (String[] m : new String[][] {
                    {"c1", "m3", "3"}, {"c1", "m1", "1"}, {"c2", "n1", "1"}, {"c1", "m4", "4"}, {"c1", "m2", "2"}
                }) {
                    s.executeUpdate("INSERT INTO messages (id, conversation_id, position, role, content, status,"
                            + " created_at) VALUES ('" + m[1] + "', '" + m[0] + "', " + m[2] + ", 'user', 'x',"
                            + " 'completed', '2026-01-01')");
                }
            }
            try (Database database = Database.open(pg == null ? null : pg.jdbcUrl(), dataDir)) {
                database.jdbi().useHandle(h -> {
                    List<String> chain = h.createQuery("SELECT id || '<' || COALESCE(parent_id, '-') FROM messages "
                                    + "WHERE conversation_id = 'c1' ORDER BY position")
                            .mapTo(String.class)
                            .list();
                    assertThat(chain).containsExactly("m1<-", "m2<m1", "m3<m2", "m4<m3");
                    assertThat(h.createQuery("SELECT parent_id FROM messages WHERE id = 'n1'")
                                    .mapTo(String.class)
                                    .findOne())
                            .isEmpty();
                    List<String> leaves = h.createQuery(
                                    "SELECT id || '>' || COALESCE(leaf_id, '-') FROM conversations ORDER BY id")
                            .mapTo(String.class)
                            .list();
                    assertThat(leaves).containsExactly("c1>m4", "c2>n1", "empty>-");
                });
            }
        }
    }
}
