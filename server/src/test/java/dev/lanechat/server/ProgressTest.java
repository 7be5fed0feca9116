package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live partial answers: progress frames before the final event, never stored, cut by a cancel. */
class ProgressTest {
    @TempDir
    Path dataDir;

    @Test
    void progressFramesArriveInOrderBeforeTheFinalEventAndSpellTheStartOfItsContent() {
        try (TestServer server = TestServer.start(dataDir, b -> b.demoDelay(Duration.ofMillis(600)))) {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            Socket socket = server.socket().subscribe();
            socket.ready();
            JsonNode sent = http.send(conversation, "stream these few words to me please");

            List<JsonNode> progress = new ArrayList<>();
            JsonNode frame;
            while ("progress"
                    .equals((frame = socket.nextWithProgress()).path("event").asText())) {
                progress.add(frame.path("data"));
            }
            assertThat(frame.path("event").asText()).isEqualTo("update");
            assertThat(progress).as("progress frames before the final event").hasSizeGreaterThan(1);
            StringBuilder text = new StringBuilder();
            for (JsonNode p : progress) {
                assertThat(p.path("task_id").asText())
                        .isEqualTo(sent.path("task_id").asText());
                assertThat(p.path("message_id").asText())
                        .isEqualTo(sent.path("message_id").asText());
                assertThat(p.path("offset").asInt()).as("offset of " + p).isEqualTo(text.length());
                assertThat(p.has("id")).isFalse();
                text.append(p.path("delta").asText());
            }
            String content = frame.path("data").path("result").path("content").asText();
            // The last piece may be left out: what waits when the answer is ready is not sent
            // (the final event carries it), so the frames spell the answer's start or all of it.
            assertThat(content).startsWith(text.toString()).contains("stream these few words");
            assertThat(text.length()).as("text streamed").isGreaterThan(content.length() / 2);

            // Never stored: the log holds the one final event, and a replay has no progress.
            assertThat(http.events(0).path("events")).hasSize(1);
            Socket late = server.socket().subscribe(0);
            assertThat(late.nextWithProgress().path("event").asText()).isEqualTo("update");
            assertThat(late.ready()).isEqualTo(1);
        }
    }

    @Test
    void cancellingMidStreamEndsTheStreamAndTheTask() {
        try (TestServer server = TestServer.start(dataDir, b -> b.demoDelay(Duration.ofMillis(3000)))) {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            Socket socket = server.socket().subscribe();
            socket.ready();
            String taskId = http.send(conversation, "a long answer that will be stopped")
                    .path("task_id")
                    .asText();

            JsonNode first = socket.nextWithProgress();
            assertThat(first.path("event").asText()).isEqualTo("progress");
            assertThat(http.post("/api/tasks/" + taskId + "/cancel", null).status())
                    .isEqualTo(200);

            JsonNode end;
            while ("progress"
                    .equals((end = socket.nextWithProgress()).path("event").asText())) {
                // at most a frame already on its way
            }
            assertThat(end.path("data").path("type").asText()).isEqualTo("task.failed");
            assertThat(end.path("data").path("cancelled").asBoolean()).isTrue();
            socket.assertQuiet(Duration.ofMillis(800));
            JsonNode task = http.task(taskId);
            assertThat(task.path("status").asText()).isEqualTo("failed");
            assertThat(task.path("error").asText()).isEqualTo("cancelled");
        }
    }
}
