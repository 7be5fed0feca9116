package dev.lanechat.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's search index written at the end of each writer batch (SqliteSearchBacklog, V16): after
 * every commit the index holds exactly the messages' current text (FTS5's own integrity check
 * against the messages table passes) and the backlog is empty, whatever mix of inserts, answers,
 * edits, deletes and rowid reuse the batch held; a failing catch-up does not fail the writes.
 */
class SqliteSearchBacklogTest {
    @TempDir
    Path dataDir;

    private Database database;
    private Jdbi jdbi;

    @BeforeEach
    void open() {
        database = Database.open(null, dataDir);
        jdbi = database.jdbi();
        database.inTransaction(h -> {
            h.execute("INSERT INTO users (id, name, created_at) VALUES ('u', 'u', '2026-12-08T00:00:00Z')");
            h.execute("INSERT INTO conversations (id, user_id, created_at, updated_at) "
                    + "VALUES ('c', 'u', '2026-12-08T00:00:00Z', '2026-12-08T00:00:00Z')");
            return null;
        });
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aCommittedMessageIsFoundAndTheBacklogIsEmpty() {
        write(h -> insert(h, "m1", 1, "the quick brown fox"));

        assertThat(found("quick")).containsExactly("m1");
        assertThat(backlog()).isZero();
        assertIndexMatchesMessages();
    }

    @Test
    void anAnswerFilledInLaterReplacesItsEmptyText() {
        write(h -> insert(h, "a1", 1, ""));
        assertThat(backlog()).isZero();

        write(h -> setContent(h, "a1", "zanzibar answers"));

        assertThat(found("zanzibar")).containsExactly("a1");
        assertIndexMatchesMessages();
    }

    @Test
    void anEditTakesTheOldWordsOutAndADeleteTakesTheMessageOut() {
        write(h -> insert(h, "m1", 1, "old words"));
        write(h -> setContent(h, "m1", "new words"));
        assertThat(found("old")).isEmpty();
        assertThat(found("new")).containsExactly("m1");

        write(h -> h.execute("DELETE FROM messages WHERE id = 'm1'"));

        assertThat(found("words")).isEmpty();
        assertIndexMatchesMessages();
    }

    @Test
    void manyChangesToOneRowInOneBatchLeaveItsLastText() throws Exception {
        write(h -> insert(h, "m1", 1, "first"));
        // Units queued together share one batch, so the index catches up once, after all of them.
        List<CompletableFuture<Object>> units = new ArrayList<>();
        for (String text : List.of("second", "third", "", "fourth")) {
            units.add(database.inTransactionLater(h -> setContent(h, "m1", text)));
        }
        units.add(database.inTransactionLater(h -> insert(h, "m2", 2, "fifth")));
        units.add(database.inTransactionLater(h -> {
            h.execute("DELETE FROM messages WHERE id = 'm2'");
            return insert(h, "m3", 3, "sixth"); // may take m2's rowid, which the index still holds
        }));
        for (CompletableFuture<Object> unit : units) {
            unit.get(10, TimeUnit.SECONDS);
        }

        assertThat(found("fourth")).containsExactly("m1");
        assertThat(found("first")).isEmpty();
        assertThat(found("third")).isEmpty();
        assertThat(found("fifth")).isEmpty();
        assertThat(found("sixth")).containsExactly("m3");
        assertThat(backlog()).isZero();
        assertIndexMatchesMessages();
    }

    @Test
    void aFailingCatchUpKeepsTheWritesAndIsRetriedAtTheNextBatch() {
        jdbi.useHandle(h -> h.execute("CREATE TRIGGER refuse BEFORE DELETE ON message_search_backlog "
                + "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"));

        assertThatCode(() -> write(h -> insert(h, "m1", 1, "kept anyway"))).doesNotThrowAnyException();
        String stored = jdbi.withHandle(h -> h.createQuery("SELECT content FROM messages WHERE id = 'm1'")
                .mapTo(String.class)
                .one());
        assertThat(stored).isEqualTo("kept anyway");
        assertThat(backlog()).as("still noted").isEqualTo(1);
        assertThat(found("kept")).as("not indexed yet").isEmpty();

        jdbi.useHandle(h -> h.execute("DROP TRIGGER refuse"));
        write(h -> insert(h, "m2", 2, "next batch"));

        assertThat(found("kept")).containsExactly("m1");
        assertThat(found("next")).containsExactly("m2");
        assertThat(backlog()).isZero();
        assertIndexMatchesMessages();
    }

    private interface Write {
        Object run(Handle h);
    }

    private void write(Write write) {
        database.inTransaction(write::run);
    }

    private static Object insert(Handle h, String id, int position, String content) {
        return h.createUpdate("INSERT INTO messages (id, conversation_id, position, role, content, status, created_at) "
                        + "VALUES (:id, 'c', :position, 'user', :content, 'completed', '2026-12-08T00:00:00Z')")
                .bind("id", id)
                .bind("position", position)
                .bind("content", content)
                .execute();
    }

    private static Object setContent(Handle h, String id, String content) {
        return h.createUpdate("UPDATE messages SET content = :content WHERE id = :id")
                .bind("id", id)
                .bind("content", content)
                .execute();
    }

    private List<String> found(String word) {
        return jdbi.withHandle(h -> h.createQuery("SELECT m.id FROM messages_fts JOIN messages m "
                        + "ON m.rowid = messages_fts.rowid WHERE messages_fts MATCH :word ORDER BY m.id")
                .bind("word", word)
                .mapTo(String.class)
                .list());
    }

    private int backlog() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM message_search_backlog")
                .mapTo(Integer.class)
                .one());
    }

    /** FTS5's check of the index against its content table: fails with "malformed" on any difference. */
    private void assertIndexMatchesMessages() {
        assertThatCode(() -> jdbi.useHandle(
                        h -> h.execute("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)")))
                .doesNotThrowAnyException();
    }
}
