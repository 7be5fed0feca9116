package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanechat.server.support.PgDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes kept for the end of the writer's batch ({@link BatchEnd}), on a real PostgreSQL and a
 * real SQLite: on both, the items of a batch's units that succeeded are flushed once, just
 * before the commit and in its transaction, flushes in rank order; a failed unit's items are
 * dropped; a failing flush fails the batch. Outside a batch, an item is written at once. A
 * "blocker" unit holds the writer so that the units queued behind it form one batch.
 */
class BatchEndTest {
    @TempDir
    Path dataDir;

    private PgDatabase pg;
    private Database database;
    private final CountDownLatch release = new CountDownLatch(1);
    /** What each flush got, in call order: "rank:item,item@transaction". */
    private final List<String> flushes = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() {
        release.countDown();
        if (database != null) {
            database.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void onPostgresTheUnitsThatSucceededAreFlushedOnceBeforeTheCommitInRankOrder() throws Exception {
        openPostgres();
        BatchEnd<String> second = database.batchEnd(1, recording(1));
        BatchEnd<String> first = database.batchEnd(0, recording(0));
        holdTheWriter();
        List<CompletableFuture<Long>> units = new ArrayList<>();
        units.add(database.inTransactionLater(h -> {
            second.add(h, "a2");
            first.add(h, "a1");
            assertThat(flushes).as("nothing yet: the batch has not ended").isEmpty();
            return transaction(h);
        }));
        CompletableFuture<Long> failed = database.inTransactionLater(h -> {
            first.add(h, "b1");
            throw new IllegalStateException("refused");
        });
        units.add(database.inTransactionLater(h -> {
            first.add(h, "c1");
            return transaction(h);
        }));
        release.countDown();

        long tx = units.get(0).get(10, TimeUnit.SECONDS);
        assertThat(units.get(1).get(10, TimeUnit.SECONDS)).as("one batch").isEqualTo(tx);
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("refused");
        assertThat(flushes).containsExactly("0:a1,c1@" + tx, "1:a2@" + tx);
        assertThat(stored()).containsExactly("a1", "a2", "c1");
    }

    @Test
    void onPostgresAFlushThatFailsFailsEveryCallerOfTheBatchAndNothingOfItIsStored() throws Exception {
        openPostgres();
        aFlushThatFailsFailsEveryCallerOfTheBatchAndNothingOfItIsStored();
    }

    @Test
    void onPostgresOutsideTheWritersBatchAnItemIsWrittenAtOnce() {
        openPostgres();
        outsideTheWritersBatchAnItemIsWrittenAtOnce();
    }

    @Test
    void onSqliteTheUnitsThatSucceededAreFlushedOnceBeforeTheCommitInRankOrder() throws Exception {
        openSqlite();
        BatchEnd<String> second = database.batchEnd(1, recording(1));
        BatchEnd<String> first = database.batchEnd(0, recording(0));
        holdTheWriter();
        List<CompletableFuture<String>> units = new ArrayList<>();
        units.add(database.inTransactionLater(h -> {
            second.add(h, "a2");
            first.add(h, "a1");
            assertThat(flushes).as("nothing yet: the batch has not ended").isEmpty();
            return "a";
        }));
        CompletableFuture<String> failed = database.inTransactionLater(h -> {
            first.add(h, "b1");
            throw new IllegalStateException("refused");
        });
        units.add(database.inTransactionLater(h -> {
            first.add(h, "c1");
            return "c";
        }));
        release.countDown();

        assertThat(units.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(units.get(1).get(10, TimeUnit.SECONDS)).isEqualTo("c");
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("refused");
        assertThat(flushes).as("one flush per rank: one batch end").containsExactly("0:a1,c1", "1:a2");
        assertThat(stored()).containsExactly("a1", "a2", "c1");
    }

    @Test
    void onSqliteAFlushThatFailsFailsEveryCallerOfTheBatchAndNothingOfItIsStored() throws Exception {
        openSqlite();
        aFlushThatFailsFailsEveryCallerOfTheBatchAndNothingOfItIsStored();
    }

    @Test
    void onSqliteOutsideTheWritersBatchAnItemIsWrittenAtOnce() {
        openSqlite();
        outsideTheWritersBatchAnItemIsWrittenAtOnce();
    }

    private void aFlushThatFailsFailsEveryCallerOfTheBatchAndNothingOfItIsStored() throws Exception {
        BatchEnd<String> failing = database.batchEnd(0, (h, items) -> {
            throw new IllegalStateException("the flush failed");
        });
        holdTheWriter();
        CompletableFuture<String> innocent = database.inTransactionLater(h -> insert(h, "innocent"));
        CompletableFuture<String> adding = database.inTransactionLater(h -> {
            failing.add(h, "x");
            return "adding";
        });
        release.countDown();

        for (CompletableFuture<String> caller : List.of(innocent, adding)) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseMessage("the flush failed");
        }
        assertThat(stored()).isEmpty();
        String later = database.jdbi().inTransaction(h -> insert(h, "later"));
        assertThat(later).isEqualTo("later");
        assertThat(stored()).containsExactly("later");
    }

    private void outsideTheWritersBatchAnItemIsWrittenAtOnce() {
        BatchEnd<String> end = database.batchEnd(0, recording(0));
        database.jdbi().useHandle(h -> {
            end.add(h, "read handle");
            assertThat(flushes).hasSize(1);
        });
        assertThat(stored()).containsExactly("read handle");
    }

    private void openSqlite() {
        database = Database.open(null, dataDir);
        createNotes();
    }

    private void openPostgres() {
        pg = PgDatabase.create();
        database = Database.open(pg.jdbcUrl(), dataDir);
        createNotes();
    }

    private void createNotes() {
        database.jdbi().useHandle(h -> h.execute("CREATE TABLE notes (text TEXT PRIMARY KEY)"));
    }

    /** A unit that keeps the writer until {@link #release}: what is queued meanwhile is one batch. */
    private void holdTheWriter() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        var unused = database.inTransactionLater(h -> {
            entered.countDown();
            try {
                return release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private BatchEnd.Flush<String> recording(int rank) {
        return (h, items) -> {
            items.forEach(item -> insert(h, item));
            String where = database.dialect() == Dialect.SQLITE ? "" : "@" + transaction(h);
            flushes.add(rank + ":" + String.join(",", items) + where);
        };
    }

    private static String insert(Handle h, String text) {
        h.createUpdate("INSERT INTO notes (text) VALUES (:text)")
                .bind("text", text)
                .execute();
        return text;
    }

    private static long transaction(Handle h) {
        return h.createQuery("SELECT txid_current()").mapTo(Long.class).one();
    }

    private List<String> stored() {
        return database.jdbi()
                .withHandle(h -> h.createQuery("SELECT text FROM notes ORDER BY text")
                        .mapTo(String.class)
                        .list());
    }
}
