package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanechat.server.support.PgDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This node's PostgreSQL writer, on a real PostgreSQL database: transactions queued behind a
 * commit share the next one (one transaction id), each caller still sees exactly its own outcome,
 * a unit that waits on a row another session holds lets the batch's others commit first, and a
 * lost connection fails only its batch. As in SqliteWriterTest, a "blocker" transaction stays open
 * so that the others queue behind it.
 */
class PgWriterTest {
    @TempDir
    Path dataDir;

    private PgDatabase pg;
    private Database database;
    private Jdbi jdbi;
    private WriterCallers callers;
    /** Which thread ran each callback, and in which transaction. */
    private final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

    private final Set<Long> transactions = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void open() {
        pg = PgDatabase.create();
        // One line, so that the units queued behind the blocker's batch wait for it.
        database = Database.open(pg.jdbcUrl(), dataDir, 0, Database.DEFAULT_PG_POOL, 1);
        jdbi = database.jdbi();
        callers = new WriterCallers(jdbi);
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE notes (text TEXT PRIMARY KEY)");
            h.execute("CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
            h.execute("INSERT INTO counters VALUES (1, 0)");
            h.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)");
            // Checked at COMMIT, not at the INSERT: a way to make a commit fail.
            h.execute("CREATE TABLE children (id INTEGER PRIMARY KEY, "
                    + "parent_id INTEGER REFERENCES parents(id) DEFERRABLE INITIALLY DEFERRED)");
        });
    }

    @AfterEach
    void close() throws InterruptedException {
        callers.close();
        database.close();
        pg.close();
    }

    @Test
    void transactionsQueuedBehindACommitShareTheNextOne() throws Exception {
        startBlocker();
        List<CompletableFuture<String>> notes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            notes.add(callers.inTransaction(insertNote("note " + i)));
        }
        callers.awaitQueued();
        callers.releaseBlocker();

        for (int i = 0; i < 5; i++) {
            assertThat(notes.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("note " + i);
        }
        assertThat(callbackThreads).as("the five ran on the writer").containsExactly("pg-writer-0");
        assertThat(transactions).as("in one transaction").hasSize(1);
        assertThat(storedNotes())
                .containsExactlyInAnyOrder("blocker", "note 0", "note 1", "note 2", "note 3", "note 4");
    }

    @Test
    void aCallbackThatFailsLosesOnlyItsOwnChangesAndItsCallerGetsItsException() throws Exception {
        jdbi.inTransaction(insertNote("taken"));
        startBlocker();
        CompletableFuture<String> before = callers.inTransaction(insertNote("before"));
        IllegalStateException refusal = new IllegalStateException("refused by the callback");
        CompletableFuture<String> refused = callers.inTransaction(h -> {
            insertNote("refused").withHandle(h);
            throw refusal;
        });
        // A failed statement aborts PostgreSQL's transaction: only the unit's savepoint is undone.
        CompletableFuture<String> duplicate = callers.inTransaction(h -> {
            insertNote("duplicate's first").withHandle(h);
            return insertNote("taken").withHandle(h);
        });
        CompletableFuture<String> after = callers.inTransaction(insertNote("after"));
        callers.awaitQueued();
        callers.releaseBlocker();

        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("before");
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("after");
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isSameAs(refusal);
        assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(
                        e -> assertThat(database.dialect().isUniqueViolation(e)).isTrue());
        assertThat(transactions).as("all four in one transaction").hasSize(1);
        assertThat(storedNotes()).containsExactlyInAnyOrder("taken", "blocker", "before", "after");
    }

    @Test
    void aUnitWaitingOnAnotherSessionsRowLetsTheOnesBeforeItCommitAndThenCommitsOnce() throws Exception {
        CompletableFuture<String> waiting;
        CompletableFuture<String> behind;
        try (Connection other = pg.connect()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("UPDATE counters SET n = 100 WHERE id = 1"); // held until `other` commits
            }
            startBlocker();
            // Queued one at a time: three caller threads started together may queue in any order.
            CompletableFuture<String> first = callers.inTransaction(insertNote("first"));
            callers.awaitQueued();
            waiting = callers.inTransaction(h -> {
                insertNote("waiting").withHandle(h);
                h.execute("UPDATE counters SET n = n + 1 WHERE id = 1");
                return "waiting";
            });
            callers.awaitQueued();
            behind = callers.inTransaction(insertNote("behind"));
            callers.awaitQueued();
            callers.releaseBlocker();

            // The row is still held: the unit before the waiting one commits without it.
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            assertThat(storedNotes()).containsExactlyInAnyOrder("blocker", "first");

            Thread.sleep(1_000); // longer than the lock timeout: the retried unit waits, it does not fail
            assertThat(waiting).isNotDone();
            assertThat(behind).as("the one line waits with it").isNotDone();
            other.commit();
        }
        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo("waiting");
        assertThat(behind.get(10, TimeUnit.SECONDS)).isEqualTo("behind");
        assertThat(storedNotes()).containsExactlyInAnyOrder("blocker", "first", "behind", "waiting");
        int counter = jdbi.withHandle(h -> h.createQuery("SELECT n FROM counters WHERE id = 1")
                .mapTo(Integer.class)
                .one());
        assertThat(counter).as("its update ran once, after the other session's").isEqualTo(101);
    }

    @Test
    void whenTheSharedCommitFailsEveryCallerOfTheBatchFailsAndNothingOfItIsStored() throws Exception {
        startBlocker();
        CompletableFuture<String> innocent = callers.inTransaction(insertNote("innocent"));
        CompletableFuture<String> orphan = callers.inTransaction(h -> {
            h.execute("INSERT INTO children (id, parent_id) VALUES (1, 99)"); // no parent 99: COMMIT fails
            return "orphan";
        });
        callers.awaitQueued();
        callers.releaseBlocker();

        for (CompletableFuture<String> caller : List.of(innocent, orphan)) {
            assertThatThrownBy(() -> caller.get(10, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TransactionException.class)
                    .hasMessage("Failed to commit transaction");
        }
        assertThat(storedNotes()).containsExactly("blocker");
        assertThat(jdbi.inTransaction(insertNote("later"))).isEqualTo("later");
        assertThat(storedNotes()).containsExactlyInAnyOrder("blocker", "later");
    }

    @Test
    void aLostConnectionFailsItsBatchAndTheNextOneConnectsAgain() {
        int writer = jdbi.inTransaction(h ->
                h.createQuery("SELECT pg_backend_pid()").mapTo(Integer.class).one());
        assertThatThrownBy(() -> jdbi.inTransaction(h -> {
                    insertNote("lost").withHandle(h);
                    // Ended from another session, as a PostgreSQL restart ends it.
                    jdbi.useHandle(other -> other.createQuery("SELECT pg_terminate_backend(:pid)")
                            .bind("pid", writer)
                            .mapTo(Boolean.class)
                            .one());
                    return insertNote("after the loss").withHandle(h);
                }))
                .satisfies(e -> assertThat(StoreErrors.isStoreError(e)).isTrue());

        assertThat(jdbi.inTransaction(insertNote("reconnected"))).isEqualTo("reconnected");
        assertThat(storedNotes()).containsExactly("reconnected");
    }

    @Test
    void callersWaitingForTheWriterHoldNoPooledConnection() throws Exception {
        startBlocker();
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // more than the pool's 16 connections
            waiting.add(callers.inTransaction(insertNote("waiting " + i)));
        }
        callers.awaitQueued();
        assertThat(storedNotes()).isEmpty(); // a reader is served meanwhile
        callers.releaseBlocker();

        for (CompletableFuture<String> caller : waiting) {
            assertThat(caller.get(10, TimeUnit.SECONDS)).startsWith("waiting ");
        }
        assertThat(storedNotes()).hasSize(31);
    }

    @Test
    void aNestedTransactionIsPartOfTheOneAroundIt() {
        String result = jdbi.inTransaction(h -> {
            insertNote("outer").withHandle(h);
            return jdbi.inTransaction(insertNote("inner"));
        });

        assertThat(result).isEqualTo("inner");
        assertThat(transactions).hasSize(1);
        assertThat(storedNotes()).containsExactlyInAnyOrder("outer", "inner");
    }

    @Test
    void severalLinesCommitEveryCallerOnceAndAnEndingTaskWaitsForNoOtherLine() throws Exception {
        database.close();
        database = Database.open(pg.jdbcUrl(), dataDir, 0, Database.DEFAULT_PG_POOL, 4);
        jdbi = database.jdbi();
        callers = new WriterCallers(jdbi); // the callers of the reopened store (none of the first had started)
        startBlocker(); // holds one line: the others go on meanwhile
        List<CompletableFuture<String>> notes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String text = "note " + i;
            notes.add(callers.inTransaction(h -> {
                h.execute("UPDATE counters SET n = n + 1 WHERE id = 1"); // one row that every unit takes
                return insertNote(text).withHandle(h);
            }));
        }
        for (int i = 0; i < 200; i++) {
            assertThat(notes.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("note " + i);
        }
        callers.releaseBlocker();
        await().atMost(Duration.ofSeconds(10)).until(() -> storedNotes().size() == 201);
        int counter = jdbi.withHandle(h -> h.createQuery("SELECT n FROM counters WHERE id = 1")
                .mapTo(Integer.class)
                .one());
        assertThat(counter).as("each unit's update ran exactly once").isEqualTo(200);
        assertThat(callbackThreads).as("on more than one line").hasSizeGreaterThan(1);
    }

    /** The blocker, then forgets what callbacks before it recorded. */
    private void startBlocker() throws InterruptedException {
        callers.startBlocker();
        callbackThreads.clear();
        transactions.clear();
    }

    private HandleCallback<String, RuntimeException> insertNote(String text) {
        return h -> {
            h.createUpdate("INSERT INTO notes (text) VALUES (:text)")
                    .bind("text", text)
                    .execute();
            callbackThreads.add(Thread.currentThread().getName());
            transactions.add(
                    h.createQuery("SELECT txid_current()").mapTo(Long.class).one());
            return text;
        };
    }

    private List<String> storedNotes() {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT text FROM notes").mapTo(String.class).list());
    }
}
