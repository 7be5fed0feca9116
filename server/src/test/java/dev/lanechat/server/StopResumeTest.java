package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, protocol.md E13: a stopped answer keeps the text it had streamed (in the read, in the
 * event, after a restart), and a socket or a read in the middle of a stream gets the text so far,
 * then only what follows it.
 */
class StopResumeTest {
    @TempDir
    Path dataDir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A server on this test's store: its data dir, or on PostgreSQL a database that outlives a restart. */
    private TestServer start(PgDatabase database, UnaryOperator<Config.Builder> tweak) {
        TestServer server =
                TestServer.start(dataDir, b -> tweak.apply(database == null ? b : b.db(database.jdbcUrl())));
        open.add(server);
        return server;
    }

    private OpenAiStandIn standIn() {
        OpenAiStandIn standIn = new OpenAiStandIn();
        open.add(standIn);
        return standIn;
    }

    /** A lane on the stand-in (a model name no tokenizer is loaded for: that costs seconds). */
    private static UnaryOperator<Config.Builder> openAiLane(OpenAiStandIn standIn) {
        String lanes = """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: %s
                    api_key_env: OPENAI_API_KEY
                    model: stand-in
                    timeout_s: 30
                    concurrency: 1
                """.formatted(standIn.baseUrl());
        return b -> b.lanes(LanesFile.parse("lanes.yaml", lanes, Map.of("OPENAI_API_KEY", "sk-test")))
                .maxSocketsPerUser(200);
    }

    @Test
    void aStoppedAnswerKeepsItsTextInTheEventTheReadAndAfterARestart() {
        PgDatabase database = TestServer.postgres() ? PgDatabase.create() : null;
        if (database != null) {
            open.add(database::close);
        }
        UnaryOperator<Config.Builder> slow = b -> b.demoDelay(Duration.ofMillis(3000));
        TestServer server = start(database, slow);
        Http http = server.http();
        String conversation = http.createConversation().path("id").asText();
        Socket socket = server.socket().subscribe();
        socket.ready();
        Socket other = server.socket().subscribe();
        other.ready();
        JsonNode sent = http.send(conversation, "a long answer that will be stopped halfway");
        String taskId = sent.path("task_id").asText();
        String messageId = sent.path("message_id").asText();

        StringBuilder streamed = new StringBuilder();
        while (streamed.length() == 0 || streamed.indexOf("will") < 0) { // two pieces of five
            JsonNode p = socket.nextWithProgress();
            assertThat(p.path("event").asText()).as(p.toString()).isEqualTo("progress");
            streamed.append(p.path("data").path("delta").asText());
        }
        Http.Response cancel = http.post("/api/tasks/" + taskId + "/cancel", null);
        assertThat(cancel.status()).isEqualTo(200);
        assertThat(cancel.json().path("status").asText()).isEqualTo("failed");
        assertThat(cancel.json().path("error").asText()).as("version 1 clients").isEqualTo("cancelled");

        JsonNode end;
        while ("progress".equals((end = socket.nextWithProgress()).path("event").asText())) {
            assertThat(end.path("data").path("offset").asInt()).isEqualTo(streamed.length());
            streamed.append(end.path("data").path("delta").asText()); // a delta on its way before the stop
        }
        String full = "You said: \"a long answer that will be stopped halfway\" (8 words).";
        JsonNode data = end.path("data");
        assertThat(data.path("type").asText()).isEqualTo("task.failed");
        assertThat(data.path("cancelled").asBoolean()).isTrue();
        assertThat(data.path("error").asText()).isEqualTo("cancelled");
        String kept = data.path("content").asText();
        assertThat(kept)
                .as("the event carries the text so far, all the sockets showed")
                .isEqualTo(streamed.toString())
                .isNotEmpty()
                .isNotEqualTo(full);
        assertThat(full).startsWith(kept);
        assertThat(other.update().path("data").path("content").asText())
                .as("every tab")
                .isEqualTo(kept);
        socket.assertQuiet(Duration.ofMillis(600)); // nothing streams after the stop

        assertStopped(http.conversation(conversation), messageId, kept);
        open.remove(server);
        server.close();

        TestServer again = start(database, slow);
        assertStopped(again.http().conversation(conversation), messageId, kept);
        assertThat(again.http().task(taskId).path("error").asText()).isEqualTo("cancelled");
    }

    /**
     * PostgreSQL, two nodes: the answer runs on A (B serves its lane by workers only, so it never
     * runs it); the Stop arrives on B, which stores no text. A's runner learns of it when its lease
     * renewal fails, stores the text it had and sends a second cancelled event that carries it.
     */
    @Test
    void aStopOnAnotherNodeThanTheRunnerGetsTheTextFromTheRunner() {
        Assumptions.assumeFalse(TestServer.postgres(), "uses its own PostgreSQL database in either run");
        PgDatabase database = PgDatabase.create();
        open.add(database::close);
        TestServer a = TestServer.start(
                dataDir.resolve("a"),
                b -> b.db(database.jdbcUrl()).demoDelay(Duration.ofMillis(4000)).lease(Duration.ofSeconds(3)));
        open.add(a);
        TestServer b = TestServer.start(
                dataDir.resolve("b"),
                c -> c.db(database.jdbcUrl()).lanes(LanesFile.parse("lanes.yaml", """
                        lanes:
                          - name: demo
                            processor: worker
                            default: true
                        """, Map.of())));
        open.add(b);
        String conversation = a.http().createConversation().path("id").asText();
        Socket socket = a.socket().subscribe();
        socket.ready();
        JsonNode sent = a.http().send(conversation, "an answer stopped from elsewhere");
        String taskId = sent.path("task_id").asText();
        JsonNode p = socket.nextWithProgress();
        assertThat(p.path("event").asText()).isEqualTo("progress");
        assertThat(b.http().post("/api/tasks/" + taskId + "/cancel", null).status())
                .isEqualTo(200);

        StringBuilder streamed = new StringBuilder(p.path("data").path("delta").asText());
        JsonNode first = untilUpdate(socket, streamed);
        assertThat(first.path("data").path("cancelled").asBoolean()).isTrue();
        assertThat(first.path("data").path("content").asText())
                .as("B has no text")
                .isEmpty();
        JsonNode second = untilUpdate(socket, streamed);
        assertThat(second.path("data").path("type").asText()).isEqualTo("task.failed");
        assertThat(second.path("data").path("cancelled").asBoolean()).isTrue();
        String kept = second.path("data").path("content").asText();
        assertThat(kept).as("the runner's text").isEqualTo(streamed.toString()).isNotEmpty();
        assertStopped(
                b.http().conversation(conversation), sent.path("message_id").asText(), kept);
        assertStopped(
                a.http().conversation(conversation), sent.path("message_id").asText(), kept);
    }

    /** The next update, adding the progress frames before it to {@code streamed}. */
    private static JsonNode untilUpdate(Socket socket, StringBuilder streamed) {
        JsonNode frame;
        while ("progress"
                .equals((frame = socket.nextWithProgress()).path("event").asText())) {
            assertThat(frame.path("data").path("offset").asInt()).isEqualTo(streamed.length());
            streamed.append(frame.path("data").path("delta").asText());
        }
        assertThat(frame.path("event").asText()).isEqualTo("update");
        return frame;
    }

    private static void assertStopped(JsonNode conversation, String messageId, String kept) {
        JsonNode messages = conversation.path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.path(0).path("stopped").asBoolean()).isFalse();
        JsonNode answer = messages.path(1);
        assertThat(answer.path("id").asText()).isEqualTo(messageId);
        assertThat(answer.path("status").asText()).isEqualTo("failed");
        assertThat(answer.path("error").asText()).isEqualTo("cancelled");
        assertThat(answer.path("stopped").asBoolean()).isTrue();
        assertThat(answer.path("content").asText()).isEqualTo(kept);
    }

    @Test
    void aCompletedOrFailedAnswerIsNotStoppedAndACancelBeforeAnyTextKeepsNone() {
        OpenAiStandIn standIn = standIn();
        standIn.then(OpenAiStandIn.completion("Done.", 1, 1))
                .then(OpenAiStandIn.badKey())
                .then(OpenAiStandIn.completion("never", 1, 1, 20_000));
        TestServer server = start(null, openAiLane(standIn));
        Http http = server.http();
        String conversation = http.createConversation().path("id").asText();
        http.awaitTaskEnd(http.send(conversation, "one").path("task_id").asText());
        http.awaitTaskEnd(http.send(conversation, "two").path("task_id").asText());
        String silent = http.send(conversation, "three").path("task_id").asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> http.task(silent).path("status").asText().equals("running"));
        assertThat(http.post("/api/tasks/" + silent + "/cancel", null).status()).isEqualTo(200);

        JsonNode messages = http.conversation(conversation).path("messages");
        assertThat(messages).hasSize(6);
        assertThat(messages.path(1).path("status").asText()).isEqualTo("completed");
        assertThat(messages.path(1).path("stopped").asBoolean()).isFalse();
        assertThat(messages.path(3).path("status").asText()).isEqualTo("failed");
        assertThat(messages.path(3).path("stopped").asBoolean()).isFalse();
        assertThat(messages.path(5).path("stopped").asBoolean()).isTrue();
        assertThat(messages.path(5).path("content").asText()).isEmpty();
        JsonNode events = http.events(0).path("events");
        JsonNode last = events.path(events.size() - 1).path("data");
        assertThat(last.path("cancelled").asBoolean()).isTrue();
        assertThat(last.path("content").asText()).isEmpty();
    }

    @Test
    void aSocketThatSubscribesMidStreamGetsTheTextSoFarThenTheRestAndTheReadShowsIt() {
        OpenAiStandIn standIn = standIn();
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pieces.add("piece" + i + " ");
        }
        standIn.then(OpenAiStandIn.streamed(pieces, 1, 1, 60));
        TestServer server = start(null, openAiLane(standIn));
        Http http = server.http();
        String conversation = http.createConversation().path("id").asText();
        Socket first = server.socket().subscribe();
        first.ready();
        JsonNode sent = http.send(conversation, "stream for a while");
        String messageId = sent.path("message_id").asText();

        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("piece5 ") < 0) {
            JsonNode p = first.nextWithProgress();
            assertThat(p.path("event").asText()).isEqualTo("progress");
            seen.append(p.path("data").path("delta").asText());
        }
        JsonNode read = http.conversation(conversation).path("messages").path(1);
        assertThat(read.path("id").asText()).isEqualTo(messageId);
        assertThat(read.path("status").asText()).isEqualTo("running");
        assertThat(read.path("stopped").asBoolean()).isFalse();
        String soFar = read.path("content").asText();
        assertThat(soFar).as("the read shows the text so far").startsWith(seen.toString());

        Socket late = server.socket().subscribe();
        late.ready();
        JsonNode snapshot = late.nextWithProgress();
        assertThat(snapshot.path("event").asText()).isEqualTo("progress");
        assertThat(snapshot.path("data").path("message_id").asText()).isEqualTo(messageId);
        assertThat(snapshot.path("data").path("offset").asInt()).isZero();
        assertThat(snapshot.path("data").path("delta").asText())
                .as("one frame with the whole text so far")
                .startsWith(seen.toString())
                .contains("piece5 ");
        String content = assemble(late, snapshot);
        assertThat(content).isEqualTo(String.join("", pieces));
        assertThat(http.conversation(conversation)
                        .path("messages")
                        .path(1)
                        .path("content")
                        .asText())
                .isEqualTo(content);
    }

    /**
     * Sockets subscribing one after another while a fast stream's deltas flow: each one's frames
     * continue exactly where its snapshot ended (nothing missing, nothing doubled) and spell the
     * final content, or its start.
     */
    @Test
    void subscribesWhileDeltasFlowMissNothingAndDoubleNothing() {
        OpenAiStandIn standIn = standIn();
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pieces.add(i + ",");
        }
        standIn.then(OpenAiStandIn.streamed(pieces, 1, 1, 4));
        TestServer server = start(null, openAiLane(standIn));
        Http http = server.http();
        String conversation = http.createConversation().path("id").asText();
        Socket watcher = server.socket().subscribe();
        watcher.ready();
        String taskId = http.send(conversation, "fast").path("task_id").asText();
        assertThat(watcher.nextWithProgress().path("event").asText()).isEqualTo("progress");

        List<Socket> sockets = new ArrayList<>();
        while (sockets.size() < 150
                && !http.task(taskId).path("status").asText().equals("completed")) {
            Socket s = server.socket().subscribe(0); // with a replay, so a late one still sees the end
            sockets.add(s);
        }
        String content =
                http.awaitTaskEnd(taskId).path("result").path("content").asText();
        assertThat(content).isEqualTo(String.join("", pieces));
        int midStream = 0;
        for (Socket s : sockets) {
            JsonNode frame = s.nextWithProgress();
            if (frame.path("event").asText().equals("update")) { // it subscribed after the end: replayed
                assertThat(frame.path("data").path("type").asText()).isEqualTo("task.completed");
                assertThat(s.ready()).isEqualTo(1);
                continue;
            }
            assertThat(frame.path("event").asText()).isEqualTo("ready");
            JsonNode first = s.nextWithProgress();
            if (first.path("event").asText().equals("update")) { // after the last delta, before the end
                assertThat(first.path("data").path("type").asText()).isEqualTo("task.completed");
                continue;
            }
            assertThat(first.path("event").asText()).isEqualTo("progress");
            assertThat(first.path("data").path("offset").asInt())
                    .as("the first frame of a socket that subscribed mid-stream starts at 0")
                    .isZero();
            midStream++;
            assertThat(assemble(s, first)).isEqualTo(content);
        }
        assertThat(midStream).as("sockets that subscribed while it streamed").isGreaterThan(5);
    }

    /** Adds the progress frames from {@code first} up to the final event, checking each offset and that they spell the start of the answer; the final content. */
    private static String assemble(Socket socket, JsonNode first) {
        StringBuilder text = new StringBuilder();
        JsonNode frame = first;
        while ("progress".equals(frame.path("event").asText())) {
            assertThat(frame.path("data").path("offset").asInt())
                    .as("offset of " + frame)
                    .isEqualTo(text.length());
            text.append(frame.path("data").path("delta").asText());
            frame = socket.nextWithProgress();
        }
        assertThat(frame.path("data").path("type").asText()).isEqualTo("task.completed");
        String content = frame.path("data").path("result").path("content").asText();
        // Contiguous offsets: nothing missing, nothing doubled. Only the tail may be left out:
        // what still waited when the answer was ready is not sent, the final event carries it.
        assertThat(content).startsWith(text.toString());
        return content;
    }
}
