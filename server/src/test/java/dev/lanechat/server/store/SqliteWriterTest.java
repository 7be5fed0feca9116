package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
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
 * The SQLite store's one writer (SqliteWriter, GroupCommit's successor), on a real SQLite file:
 * transactions that queue behind a commit share the next one, and each caller still sees exactly
 * its own outcome. Each test holds one transaction open (the "blocker") so that the others queue
 * behind it and form one batch when it ends.
 */
class SqliteWriterTest {
    @TempDir
    Path dataDir;

    private Database database;
    private Jdbi jdbi;
    private WriterCallers callers;
    /** Which thread ran each row's callback. */
    private final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void open() {
        database = Database.open(null, dataDir);
        jdbi = database.jdbi();
        callers = new WriterCallers(jdbi);
        jdbi.useHandle(h -> {
            h.execute("CREATE TABLE notes (text TEXT PRIMARY KEY)");
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
        assertThat(callbackThreads)
                .as("the five ran one after another on the writer")
                .containsExactly("sqlite-writer");
        assertThat(storedNotes())
                .containsExactlyInAnyOrder("blocker", "note 0", "note 1", "note 2", "note 3", "note 4");
    }

    @Test
    void aCallbackThatThrowsLosesOnlyItsOwnChangesAndItsCallerGetsItsException() throws Exception {
        startBlocker();
        CompletableFuture<String> before = callers.inTransaction(insertNote("before"));
        IllegalStateException refusal = new IllegalStateException("refused by the callback");
        CompletableFuture<String> unchecked = callers.inTransaction(h -> {
            insertNote("unchecked").withHandle(h);
            throw refusal;
        });
        CompletableFuture<String> checked = callers.inTransaction(h -> {
            insertNote("checked").withHandle(h);
            throw new IOException("a checked failure");
        });
        CompletableFuture<String> after = callers.inTransaction(insertNote("after"));
        callers.awaitQueued();
        callers.releaseBlocker();

        assertThat(before.get(10, TimeUnit.SECONDS)).isEqualTo("before");
        assertThat(after.get(10, TimeUnit.SECONDS)).isEqualTo("after");
        assertThatThrownBy(() -> unchecked.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isSameAs(refusal);
        assertThatThrownBy(() -> checked.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(IOException.class)
                .hasMessage("a checked failure");
        assertThat(callbackThreads).as("all four in one group").hasSize(1);
        assertThat(storedNotes()).containsExactlyInAnyOrder("blocker", "before", "after");
    }

    @Test
    void whenTheSharedCommitFailsEveryCallerOfTheGroupFailsAndNothingOfItIsStored() throws Exception {
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
                    .hasMessage("Failed to commit transaction")
                    .rootCause()
                    .hasMessageContaining("FOREIGN KEY");
        }
        assertThat(storedNotes()).containsExactly("blocker");
        int children = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM children")
                .mapTo(Integer.class)
                .one());
        assertThat(children).isZero();

        // The store goes on: the next transaction commits as usual.
        assertThat(jdbi.inTransaction(insertNote("later"))).isEqualTo("later");
        assertThat(storedNotes()).containsExactlyInAnyOrder("blocker", "later");
    }

    @Test
    void aNestedTransactionIsPartOfTheOneAroundIt() {
        String result = jdbi.inTransaction(h -> {
            insertNote("outer").withHandle(h);
            return h.inTransaction(insertNote("inner"));
        });

        assertThat(result).isEqualTo("inner");
        assertThat(storedNotes()).containsExactlyInAnyOrder("outer", "inner");
    }

    @Test
    void callersWaitingForTheWriterHoldNoPooledConnection() throws Exception {
        startBlocker();
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 0; i < 20; i++) { // more than the pool's 8 connections
            waiting.add(callers.inTransaction(insertNote("waiting " + i)));
        }
        callers.awaitQueued();

        // Readers are served meanwhile, even from inside a write unit.
        assertThat(storedNotes()).isEmpty();
        CompletableFuture<String> readingUnit =
                callers.inTransaction(h -> String.valueOf(storedNotes().size()));
        callers.releaseBlocker();

        for (CompletableFuture<String> caller : waiting) {
            assertThat(caller.get(10, TimeUnit.SECONDS)).startsWith("waiting ");
        }
        assertThat(readingUnit.get(10, TimeUnit.SECONDS)).isNotNull();
        assertThat(storedNotes()).hasSize(21);
    }

    @Test
    void eachCommittedTransactionReportsItsStampToCommitTime() {
        List<Long> times = new java.util.concurrent.CopyOnWriteArrayList<>();
        database.observeStampToCommit(times::add);
        jdbi.inTransaction(insertNote("timed"));
        assertThatThrownBy(() -> jdbi.inTransaction(h -> {
                    insertNote("refused").withHandle(h);
                    throw new IllegalStateException("refused");
                }))
                .isInstanceOf(IllegalStateException.class);

        assertThat(times).as("the committed one only").hasSize(1);
        assertThat(times.get(0)).isPositive();
    }

    /** The blocker, then forgets what callbacks before it recorded. */
    private void startBlocker() throws InterruptedException {
        callers.startBlocker();
        callbackThreads.clear();
    }

    private HandleCallback<String, RuntimeException> insertNote(String text) {
        return h -> {
            h.createUpdate("INSERT INTO notes (text) VALUES (:text)")
                    .bind("text", text)
                    .execute();
            callbackThreads.add(Thread.currentThread().getName());
            return text;
        };
    }

    private List<String> storedNotes() {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT text FROM notes").mapTo(String.class).list());
    }
}
