package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanechat.server.support.PgDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --db-pool}: a node holds at most that many PostgreSQL connections for reading, plus the
 * writer's own, however many readers want one at once — so that six nodes on one PostgreSQL stay
 * under its {@code max_connections} (bench/hundred-k.sh). Counted from pg_stat_activity while
 * eight readers each hold a connection for a moment.
 */
class PgPoolSizeTest {
    @TempDir
    Path dataDir;

    private final PgDatabase pg = PgDatabase.create();

    @AfterEach
    void drop() {
        pg.close();
    }

    @Test
    void aSmallPoolCapsTheNodesConnectionsWhateverTheReaders() throws Exception {
        try (Database database = Database.open(pg.jdbcUrl(), dataDir, 0, 3)) {
            assertThat(mostConnectionsWhileEightRead(database)).isBetween(2, 4);
        }
    }

    @Test
    void theDefaultPoolLetsEightReadersHoldOneEach() throws Exception {
        try (Database database = Database.open(pg.jdbcUrl(), dataDir, 0)) {
            // Eight readers and the writer's connection.
            assertThat(mostConnectionsWhileEightRead(database)).isGreaterThanOrEqualTo(9);
        }
    }

    @Test
    void aPoolOfOneIsRefusedBeforeAnythingOpens() {
        assertThatThrownBy(() -> Database.open(pg.jdbcUrl(), dataDir, 0, 1))
                .isInstanceOf(StoreSetupException.class)
                .hasMessageContaining("at least 2");
    }

    private int mostConnectionsWhileEightRead(Database database) throws Exception {
        List<CompletableFuture<Void>> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(CompletableFuture.runAsync(() -> database.jdbi()
                    .useHandle(h ->
                            h.createQuery("SELECT pg_sleep(0.4)").mapToMap().list())));
        }
        int most = 0;
        try (Connection watcher = pg.connect()) {
            while (!CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new))
                    .isDone()) {
                most = Math.max(most, connections(watcher));
                Thread.sleep(20);
            }
        }
        CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get();
        return most;
    }

    /** The database's sessions other than the watcher's own. */
    private static int connections(Connection watcher) throws SQLException {
        try (Statement st = watcher.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity "
                        + "WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
