package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.StoreErrors;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.LogCapture;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import dev.lanechat.server.tasks.Completions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, hygiene: no message content in a log line, a stored error or a 500 answer when the
 * store fails (Jdbi's text quotes the bound values), and a worker's error cannot forge log lines.
 */
class ErrorTextTest {
    private static final String MARKER = "SECRET-MARKER-7f3a";

    @TempDir
    Path dataDir;

    @Test
    void aRealJdbiErrorIsDescribedWithoutItsBoundValues() {
        try (Database db = Database.open(null, dataDir)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE t (v TEXT UNIQUE)"));
            Runnable insert = () -> db.jdbi()
                    .useHandle(h -> h.createUpdate("INSERT INTO t (v) VALUES (:v)")
                            .bind("v", MARKER)
                            .execute());
            insert.run();
            Throwable e = catchThrowable(insert::run);
            // The raw text does carry the content: that is what must not get out.
            assertThat(e.getMessage()).contains(MARKER);

            assertThat(StoreErrors.describe(e)).isEqualTo("store error (SQLITE_CONSTRAINT_UNIQUE)");
            assertThat(StoreErrors.describeWithPlace(e))
                    .startsWith("store error (SQLITE_CONSTRAINT_UNIQUE) at ")
                    .contains("ErrorTextTest.java:")
                    .doesNotContain(MARKER);
            StringWriter trace = new StringWriter();
            StoreErrors.scrubbed(e).printStackTrace(new PrintWriter(trace));
            assertThat(trace.toString())
                    .contains("UnableToExecuteStatementException", "SQLiteException", "ErrorTextTest.java")
                    .doesNotContain(MARKER);
        }
    }

    @Test
    void aStoreErrorOnSendOrOnTheAnswerLeavesTheContentOutOfLogsAnswersAndErrors() throws Exception {
        assumeThat(TestServer.postgres()).as("the triggers are SQLite's").isFalse();
        try (TestServer server = TestServer.start(dataDir);
                LogCapture logs = LogCapture.start()) {
            Http http = server.http();
            String conversationId = http.createConversation().path("id").asText();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("lanechat.db"));
                    Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                // The demo lane's answer quotes the message: storing it fails, inside the lane runner.
                st.execute("CREATE TRIGGER no_answer BEFORE UPDATE OF content ON messages WHEN NEW.content LIKE '%"
                        + MARKER + "%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
            }
            JsonNode sent = http.send(conversationId, "answer this " + MARKER);
            JsonNode task = http.awaitTaskEnd(sent.path("task_id").asText());
            assertThat(task.path("status").asText()).isEqualTo("failed");
            assertThat(task.path("error").asText())
                    .startsWith("the demo lane failed: store error (SQLITE_CONSTRAINT_TRIGGER)")
                    .doesNotContain(MARKER);
            assertThat(http.events(0).toString()).contains("store error (SQLITE_CONSTRAINT_TRIGGER)");

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("lanechat.db"));
                    Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("CREATE TRIGGER no_message BEFORE INSERT ON messages WHEN NEW.content LIKE '%" + MARKER
                        + "%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END");
            }
            // (support/Http refuses any 5xx: this one is sent by hand)
            HttpResponse<String> refused = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(
                                            server.uri().resolve("/api/conversations/" + conversationId + "/messages"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"content\":\"store this " + MARKER + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(500);
            assertThat(refused.body()).doesNotContain(MARKER).contains("\"internal\"");

            String logged = logs.all();
            assertThat(logged)
                    .contains("Unexpected error on POST /api/conversations/")
                    .contains("store error (SQLITE_CONSTRAINT_TRIGGER) at ")
                    .contains(
                            "Lane demo: task " + sent.path("task_id").asText() + " could not be completed: store error")
                    .doesNotContain(MARKER);
        }
    }

    @Test
    void aWorkersErrorCannotStartALogLineAndStaysOutOfInfo() {
        try (TestServer server = TestServer.start(
                        dataDir, b -> b.lease(Duration.ofSeconds(30)).lanes(TestLanes.demoAndWorker()));
                LogCapture logs = LogCapture.start().debug(Completions.class)) {
            Http http = server.http();
            String conversationId = http.createConversation().path("id").asText();
            String taskId = http.post(
                            "/api/conversations/" + conversationId + "/messages",
                            Map.of("content", "hi", "lane", "ext"))
                    .json()
                    .path("task_id")
                    .asText();
            JsonNode claim = http.post("/api/lanes/ext/claim?wait_s=5", "").json();
            String error = "upstream said no\r\n12:00:00.000 INFO  Admin - FAKE-LINE user root logged in\u2028again";
            Http.Response failed = http.post(
                    "/api/tasks/" + taskId + "/fail",
                    Map.of("lease_id", claim.path("lease_id").asText(), "error", error));
            assertThat(failed.status()).as(failed.body()).isEqualTo(200);
            // The task's owner gets the worker's words as they were.
            assertThat(failed.json().path("error").asText()).isEqualTo(error);

            assertThat(logs.infoLines())
                    .noneMatch(l -> l.contains("FAKE-LINE"))
                    .anyMatch(l -> l.contains("Task " + taskId + " on lane ext failed"));
            assertThat(logs.lines())
                    .filteredOn(l -> l.contains("FAKE-LINE"))
                    .singleElement()
                    .satisfies(l -> {
                        assertThat(l)
                                .startsWith("DEBUG ")
                                .contains("upstream said no??12:00:00.000 INFO  Admin - FAKE-LINE")
                                .contains("in?again")
                                .doesNotContain("\r", "\n", "\u2028");
                    });
        }
    }
}
