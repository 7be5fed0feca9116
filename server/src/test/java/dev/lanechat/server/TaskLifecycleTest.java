package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel and delete: how tasks end other than by their lane answering. */
class TaskLifecycleTest {
    @TempDir
    Path dataDir;

    TestServer server;
    Http http;

    @AfterEach
    void stop() {
        server.close();
    }

    private void start(Duration demoDelay) {
        server = TestServer.start(dataDir, b -> b.demoDelay(demoDelay).demoConcurrency(1));
        http = server.http();
    }

    private static Http.Response cancel(Http http, String taskId) {
        return http.post("/api/tasks/" + taskId + "/cancel", Map.of());
    }

    @Test
    void cancellingAQueuedTaskFailsItWithCancelledAndAnnouncesIt() {
        start(Duration.ofSeconds(3));
        Socket socket = server.socket().subscribe();
        socket.ready();
        String conversationId = http.createConversation().path("id").asText();
        String running = http.send(conversationId, "occupies the only slot")
                .path("task_id")
                .asText();
        JsonNode queued = http.send(conversationId, "waits in the queue");
        String taskId = queued.path("task_id").asText();
        assertThat(http.task(taskId).path("status").asText()).isEqualTo("queued");

        Http.Response answer = cancel(http, taskId);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("task_id").asText()).isEqualTo(taskId);
        assertThat(answer.json().path("status").asText()).isEqualTo("failed");
        assertThat(answer.json().path("error").asText()).isEqualTo("cancelled");
        assertThat(answer.json().path("result").isNull()).isTrue();

        JsonNode event = socket.update();
        JsonNode data = event.path("data");
        assertThat(data.path("type").asText()).isEqualTo("task.failed");
        assertThat(data.path("task_id").asText()).isEqualTo(taskId);
        assertThat(data.path("message_id").asText())
                .isEqualTo(queued.path("message_id").asText());
        assertThat(data.path("error").asText()).isEqualTo("cancelled");
        assertThat(data.path("cancelled").asBoolean()).isTrue();
        assertThat(data.path("result").isNull()).isTrue();

        JsonNode answerMessage =
                http.conversation(conversationId).path("messages").get(3);
        assertThat(answerMessage.path("status").asText()).isEqualTo("failed");
        assertThat(answerMessage.path("error").asText()).isEqualTo("cancelled");

        // A running task can be cancelled too, and it does not complete afterwards.
        assertThat(http.task(running).path("status").asText()).isEqualTo("running");
        assertThat(cancel(http, running).json().path("status").asText()).isEqualTo("failed");
        JsonNode second = socket.update();
        assertThat(second.path("data").path("task_id").asText()).isEqualTo(running);
        assertThat(second.path("data").path("cancelled").asBoolean()).isTrue();
        socket.assertQuiet(Duration.ofMillis(500));
        assertThat(http.task(running).path("error").asText()).isEqualTo("cancelled");

        // Once ended, a task cannot be cancelled again.
        assertError(cancel(http, taskId), 409, "conflict");
    }

    @Test
    void cancellingACompletedTaskIsConflict() {
        start(TestServer.FAST_DEMO);
        String conversationId = http.createConversation().path("id").asText();
        String taskId = http.send(conversationId, "quick").path("task_id").asText();
        assertThat(http.awaitTaskEnd(taskId).path("status").asText()).isEqualTo("completed");
        assertError(cancel(http, taskId), 409, "conflict");
        assertThat(http.task(taskId).path("status").asText()).isEqualTo("completed");
        assertThat(http.events(0).path("events")).hasSize(1);
    }

    @Test
    void deletingAConversationRemovesItsMessagesTasksAndFilesAndCancelsWhatIsPending() {
        start(Duration.ofMillis(400));
        Socket socket = server.socket().subscribe();
        socket.ready();
        String conversationId = http.createConversation().path("id").asText();
        String done = http.send(conversationId, "a file please").path("task_id").asText();
        JsonNode finished = http.awaitTaskEnd(done);
        assertThat(socket.update().path("data").path("task_id").asText()).isEqualTo(done);
        String fileUrl =
                finished.path("result").path("files").get(0).path("url").asText();
        assertThat(http.get(fileUrl).status()).isEqualTo(200);
        String pending =
                http.send(conversationId, "still pending").path("task_id").asText();

        assertThat(http.delete("/api/conversations/" + conversationId).status()).isEqualTo(204);

        JsonNode cancelled = socket.update().path("data");
        assertThat(cancelled.path("task_id").asText()).isEqualTo(pending);
        assertThat(cancelled.path("type").asText()).isEqualTo("task.failed");
        assertThat(cancelled.path("cancelled").asBoolean()).isTrue();

        assertError(http.get("/api/conversations/" + conversationId), 404, "not_found");
        assertError(http.get("/api/tasks/" + done), 404, "not_found");
        assertError(http.get("/api/tasks/" + pending), 404, "not_found");
        assertError(http.get(fileUrl), 404, "not_found");
        assertError(
                http.post("/api/conversations/" + conversationId + "/messages", Map.of("content", "hi")),
                404,
                "not_found");
        assertError(http.delete("/api/conversations/" + conversationId), 404, "not_found");
        assertThat(http.get("/api/conversations").json()).isEmpty();
        socket.assertQuiet(Duration.ofMillis(600)); // the pending task never completes
    }
}
