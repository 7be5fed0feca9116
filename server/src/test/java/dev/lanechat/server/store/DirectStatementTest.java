package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanechat.server.support.PgDatabase;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write path's plain-JDBC statements ({@link DirectStatement}) on a real SQLite file and a
 * real PostgreSQL database: on the store's writer a statement is prepared once and kept from
 * transaction to transaction; elsewhere it is prepared for the call; parameters (NULLs too) go
 * by position; a failure is Jdbi's exception with the driver's cause, rolls back only its own
 * unit of the writer's batch, and leaves the kept statement fit for its next use.
 */
class DirectStatementTest {
    private static final DirectStatement INSERT =
            DirectStatement.of("INSERT INTO notes (text, size, weight) VALUES (?, ?, ?)");
    private static final DirectStatement SIZE_OF = DirectStatement.of("SELECT size FROM notes WHERE text = ?");
    private static final DirectStatement GROW =
            DirectStatement.of("UPDATE notes SET size = size + ? WHERE text = ? RETURNING size");

    @TempDir
    Path dataDir;

    private PgDatabase pg;
    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private void open(String store) {
        if (store.equals("postgres")) {
            pg = PgDatabase.create();
            database = Database.open(pg.jdbcUrl(), dataDir, 0, Database.DEFAULT_PG_POOL, 1);
        } else {
            database = Database.open(null, dataDir);
        }
        database.jdbi()
                .useHandle(h ->
                        h.execute("CREATE TABLE notes (text TEXT PRIMARY KEY, size BIGINT, weight DOUBLE PRECISION)"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void onTheWriterAStatementIsPreparedOnceAndKeptAcrossTransactions(String store) throws Exception {
        open(store);
        PreparedStatement first = database.inTransaction(h -> {
            insert(h, "a", 1L, 0.5);
            return kept(h, INSERT);
        });
        PreparedStatement second = database.inTransaction(h -> {
            insert(h, "b", 2L, 1.5);
            return kept(h, INSERT);
        });

        Optional<Long> size =
                database.inTransaction(h -> SIZE_OF.first(h, s -> s.setString(1, "b"), rs -> rs.getLong(1)));

        assertThat(first).as("the same statement, prepared at its first use").isSameAs(second);
        assertThat(size).contains(2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void parametersGoByPositionNullsIncludedAndRowsAreReadAsTheReaderSays(String store) {
        open(store);
        int inserted = database.inTransaction(h -> insert(h, "empty", null, null));
        Optional<Long> grown =
                database.inTransaction(h -> GROW.first(h, s -> params(s, 5L, "missing"), rs -> rs.getLong(1)));
        database.inTransaction(h -> insert(h, "five", 5L, 2.25));
        long six = database.inTransaction(h -> GROW.one(h, s -> params(s, 1L, "five"), rs -> rs.getLong(1)));

        assertThat(inserted).isEqualTo(1);
        assertThat(grown).as("no row").isEmpty();
        assertThat(six).isEqualTo(6);
        boolean nulls = database.jdbi()
                .withHandle(h -> h.createQuery("SELECT size IS NULL AND weight IS NULL FROM notes WHERE text = 'empty'")
                        .mapTo(Boolean.class)
                        .one());
        assertThat(nulls).isTrue();
        assertThatThrownBy(() ->
                        database.inTransaction(h -> GROW.one(h, s -> params(s, 1L, "missing"), rs -> rs.getLong(1))))
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aFailureIsJdbisWithTheDriversCauseAndTheKeptStatementServesTheNextUse(String store) {
        open(store);
        database.inTransaction(h -> insert(h, "a", 1L, 1.0));

        assertThatThrownBy(() -> database.inTransaction(h -> insert(h, "a", 2L, 2.0)))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasCauseInstanceOf(SQLException.class)
                .satisfies(
                        e -> assertThat(database.dialect().isUniqueViolation(e)).isTrue())
                .satisfies(e -> assertThat(StoreErrors.describe(e)).startsWith("store error"));
        database.inTransaction(h -> insert(h, "b", 3L, 3.0));

        assertThat(notes()).containsExactly("a", "b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aUnitWhoseStatementFailsLosesOnlyItsOwnChangesInTheWritersBatch(String store) throws Exception {
        open(store);
        database.inTransaction(h -> insert(h, "taken", 0L, 0.0));
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Integer> blocker = database.inTransactionLater(h -> {
            await(release);
            return insert(h, "blocker", 1L, 1.0);
        });
        CompletableFuture<Integer> before = database.inTransactionLater(h -> insert(h, "before", 2L, 2.0));
        CompletableFuture<Integer> failing = database.inTransactionLater(h -> {
            insert(h, "failing's own", 3L, 3.0);
            return insert(h, "taken", 3L, 3.0);
        });
        CompletableFuture<Integer> after = database.inTransactionLater(h -> insert(h, "after", 4L, 4.0));
        release.countDown();

        assertThat(blocker.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo(1);
        assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(UnableToExecuteStatementException.class);
        assertThat(notes()).containsExactly("after", "before", "blocker", "taken");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void aBatchRunsEveryItemAndOneThatFailsLeavesNothingForTheNextUse(String store) {
        open(store);
        database.inTransaction(h -> {
            INSERT.batch(h, List.of("x", "y", "z"), (s, text) -> set(s, text, 1L, 1.0));
            return null;
        });
        assertThatThrownBy(() -> database.inTransaction(h -> {
                    INSERT.batch(h, List.of("p", "q"), (s, text) -> {
                        if (text.equals("q")) {
                            throw new IllegalArgumentException("refused");
                        }
                        set(s, text, 1L, 1.0);
                    });
                    return null;
                }))
                .hasMessage("refused");
        database.inTransaction(h -> {
            INSERT.batch(h, List.of("r"), (s, text) -> set(s, text, 1L, 1.0));
            INSERT.batch(h, List.<String>of(), (s, text) -> set(s, text, 1L, 1.0));
            return null;
        });

        assertThat(notes())
                .as("p was never run: its batch failed before it ran")
                .containsExactly("r", "x", "y", "z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres"})
    void awayFromTheWriterAStatementIsPreparedForTheCallAlone(String store) {
        open(store);
        database.inTransaction(h -> insert(h, "a", 7L, 1.0));

        List<Optional<Long>> read = new ArrayList<>();
        database.jdbi().useHandle(h -> {
            assertThat(h.getStatementBuilder()).isNotInstanceOf(CachedStatements.class);
            read.add(SIZE_OF.first(h, s -> s.setString(1, "a"), rs -> rs.getLong(1)));
            read.add(SIZE_OF.first(h, s -> s.setString(1, "b"), rs -> rs.getLong(1)));
        });

        assertThat(read).containsExactly(Optional.of(7L), Optional.empty());
    }

    private static int insert(Handle h, String text, Long size, Double weight) {
        return INSERT.update(h, s -> set(s, text, size, weight));
    }

    private static void set(PreparedStatement s, String text, Long size, Double weight) throws SQLException {
        s.setString(1, text);
        if (size == null) {
            s.setNull(2, Types.BIGINT);
        } else {
            s.setLong(2, size);
        }
        if (weight == null) {
            s.setNull(3, Types.DOUBLE);
        } else {
            s.setDouble(3, weight);
        }
    }

    private static void params(PreparedStatement s, long by, String text) throws SQLException {
        s.setLong(1, by);
        s.setString(2, text);
    }

    private static PreparedStatement kept(Handle h, DirectStatement statement) throws SQLException {
        assertThat(h.getStatementBuilder()).isInstanceOf(CachedStatements.class);
        return ((CachedStatements) h.getStatementBuilder()).kept(h.getConnection(), statement);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> notes() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT text FROM notes ORDER BY text")
                        .mapTo(String.class)
                        .list());
    }
}
