package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The happy path of protocol.md end to end: HTTP, the socket, the long-poll and files. */
class FlowTest {
    @TempDir
    Path dataDir;

    TestServer server;
    Http http;

    @BeforeEach
    void start() {
        server = TestServer.start(dataDir);
        http = server.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void healthAndLanes() {
        JsonNode health = http.get("/api/health").json();
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("store").asText()).isEqualTo(TestServer.storeName());
        assertThat(health.path("version").asText()).isNotBlank();
        assertThat(health.path("node_id").asText()).isNotBlank();

        JsonNode lanes = http.get("/api/lanes").json();
        assertThat(lanes.isArray()).isTrue();
        JsonNode demo = lanes.get(0);
        assertThat(demo.path("name").asText()).isEqualTo("demo");
        assertThat(demo.path("model").asText()).isEqualTo("demo");
        assertThat(demo.path("description").asText()).isNotBlank();
        assertThat(demo.path("default").asBoolean()).isTrue();
    }

    @Test
    void sendAnswersOverSocketHttpAndLongPoll() {
        Socket socket = server.socket().subscribe();
        assertThat(socket.ready()).isZero();

        Http.Response created = http.post("/api/conversations", Map.of("title", "  First chat "));
        assertThat(created.status()).isEqualTo(201);
        JsonNode conversation = created.json();
        assertThat(fieldNames(conversation))
                .containsExactlyInAnyOrder(
                        "id",
                        "title",
                        "created_at",
                        "updated_at",
                        "message_count",
                        "total_cost_usd",
                        "unread_count", // unread_count: protocol.md E8
                        "leaf_id", // leaf_id: protocol.md E12
                        "lane", // lane, system_prompt, lane_unavailable: protocol.md E15
                        "system_prompt",
                        "lane_unavailable");
        assertThat(conversation.path("title").asText()).isEqualTo("First chat");
        assertThat(conversation.path("message_count").asLong()).isZero();
        String conversationId = conversation.path("id").asText();

        Http.Response sent = http.post(
                "/api/conversations/" + conversationId + "/messages", Map.of("content", "hello lanechat world"));
        assertThat(sent.status()).isEqualTo(202);
        JsonNode accepted = sent.json();
        assertThat(fieldNames(accepted))
                .containsExactlyInAnyOrder(
                        "status", "task_id", "message_id", "user_message_id", "conversation_id", "lane"); // E12
        assertThat(accepted.path("status").asText()).isEqualTo("queued");
        assertThat(accepted.path("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(accepted.path("lane").asText()).isEqualTo("demo");
        String taskId = accepted.path("task_id").asText();
        String answerId = accepted.path("message_id").asText();

        JsonNode frame = socket.update();
        assertThat(frame.path("id").asLong()).isEqualTo(1);
        JsonNode data = frame.path("data");
        assertThat(data.path("type").asText()).isEqualTo("task.completed");
        assertThat(data.path("task_id").asText()).isEqualTo(taskId);
        assertThat(data.path("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(data.path("message_id").asText()).isEqualTo(answerId);
        assertThat(data.path("lane").asText()).isEqualTo("demo");
        JsonNode result = data.path("result");
        assertThat(result.path("content").asText())
                .contains("hello lanechat world")
                .contains("3 words");
        assertThat(result.path("model").asText()).isEqualTo("demo");
        assertThat(result.path("cost_usd").isNumber()).isTrue();
        assertThat(result.path("cost_usd").asDouble()).isZero();
        assertThat(result.path("files").isArray()).isTrue();
        assertThat(result.path("files")).isEmpty();

        JsonNode detail = http.conversation(conversationId);
        assertThat(detail.path("message_count").asLong()).isEqualTo(2);
        JsonNode messages = detail.path("messages");
        assertThat(messages).hasSize(2);
        JsonNode user = messages.get(0);
        JsonNode answer = messages.get(1);
        List<String> messageFields = List.of(
                "id",
                "role",
                "content",
                "status",
                "task_id",
                "lane",
                "model",
                "cost_usd",
                "files",
                "error",
                "created_at",
                "parent_id", // E12
                "sibling_ids");
        assertThat(fieldNames(user)).containsExactlyInAnyOrderElementsOf(messageFields);
        assertThat(fieldNames(answer)).containsExactlyInAnyOrderElementsOf(messageFields);
        assertThat(user.path("role").asText()).isEqualTo("user");
        assertThat(user.path("content").asText()).isEqualTo("hello lanechat world");
        assertThat(user.path("status").asText()).isEqualTo("completed");
        assertThat(user.path("task_id").asText()).isEqualTo(taskId);
        assertThat(user.path("lane").asText()).isEqualTo("demo");
        assertThat(user.path("model").isNull()).isTrue();
        assertThat(user.path("cost_usd").isNull()).isTrue();
        assertThat(user.path("files")).isEmpty();
        assertThat(accepted.path("user_message_id").asText())
                .isEqualTo(user.path("id").asText());
        assertThat(user.path("parent_id").isNull()).isTrue();
        assertThat(answer.path("parent_id").asText()).isEqualTo(user.path("id").asText());
        assertThat(detail.path("leaf_id").asText()).isEqualTo(answerId);
        assertThat(user.path("id").asText()).isNotEqualTo(answerId);
        assertThat(answer.path("id").asText()).isEqualTo(answerId);
        assertThat(answer.path("role").asText()).isEqualTo("assistant");
        assertThat(answer.path("status").asText()).isEqualTo("completed");
        assertThat(answer.path("content").asText())
                .isEqualTo(result.path("content").asText());
        assertThat(answer.path("task_id").asText()).isEqualTo(taskId);
        assertThat(answer.path("model").asText()).isEqualTo("demo");
        assertThat(answer.path("cost_usd").asDouble()).isZero();
        assertThat(answer.path("error").isNull()).isTrue();
        assertThat(answer.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

        JsonNode task = http.task(taskId);
        assertThat(fieldNames(task))
                .containsExactlyInAnyOrder(
                        "task_id",
                        "status",
                        "lane",
                        "conversation_id",
                        "message_id",
                        "created_at",
                        "updated_at",
                        "result",
                        "error");
        assertThat(task.path("status").asText()).isEqualTo("completed");
        assertThat(task.path("message_id").asText()).isEqualTo(answerId);
        assertThat(task.path("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(task.path("error").isNull()).isTrue();
        assertThat(task.path("result")).isEqualTo(result);

        JsonNode polled = http.events(0);
        assertThat(polled.path("last_id").asLong()).isEqualTo(1);
        assertThat(polled.path("events")).hasSize(1);
        assertThat(polled.path("events").get(0)).isEqualTo(frame);
        assertThat(http.events(1).path("events")).isEmpty();
        assertThat(http.events(1).path("last_id").asLong()).isEqualTo(1);
    }

    @Test
    void messageMentioningFileGetsADownloadableAttachment() {
        String conversationId = http.createConversation().path("id").asText();
        JsonNode accepted = http.send(conversationId, "please attach a file");
        JsonNode task = http.awaitTaskEnd(accepted.path("task_id").asText());
        assertThat(task.path("status").asText()).isEqualTo("completed");

        JsonNode files = task.path("result").path("files");
        assertThat(files).hasSize(1);
        JsonNode file = files.get(0);
        String fileId = file.path("id").asText();
        assertThat(file.path("url").asText()).isEqualTo("/api/files/" + fileId);
        assertThat(file.path("name").asText()).isNotBlank();
        assertThat(file.path("content_type").asText()).startsWith("text/plain");

        Http.Response download = http.get(file.path("url").asText());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.header("Content-Disposition")).startsWith("attachment");
        assertThat(download.bytes()).hasSize(file.path("size").asInt());
        assertThat(new String(download.bytes(), StandardCharsets.UTF_8)).contains("please attach a file");

        JsonNode answer = http.conversation(conversationId).path("messages").get(1);
        assertThat(answer.path("files")).containsExactly(file);

        // A message without the word gets no file ("profile" is not "file").
        JsonNode plain = http.awaitTaskEnd(
                http.send(conversationId, "my profile").path("task_id").asText());
        assertThat(plain.path("result").path("files")).isEmpty();
    }

    @Test
    void twoSocketsOfOneUserBothGetTheEvent() {
        Socket first = server.socket().subscribe();
        Socket second = server.socket().subscribe();
        first.ready();
        second.ready();

        String conversationId = http.createConversation().path("id").asText();
        String taskId = http.send(conversationId, "to both").path("task_id").asText();

        JsonNode a = first.update();
        JsonNode b = second.update();
        assertThat(a.path("data").path("task_id").asText()).isEqualTo(taskId);
        assertThat(b).isEqualTo(a);
    }

    @Test
    void conversationsAreListedMostRecentlyActiveFirstWithCounts() throws InterruptedException {
        String older = http.createConversation().path("id").asText();
        Thread.sleep(5);
        String newer = http.createConversation().path("id").asText();
        assertThat(ids(http.get("/api/conversations").json())).containsExactly(newer, older);

        Thread.sleep(5);
        http.awaitTaskEnd(http.send(older, "bump me").path("task_id").asText());
        JsonNode list = http.get("/api/conversations").json();
        assertThat(ids(list)).containsExactly(older, newer);
        assertThat(list.get(0).path("message_count").asLong()).isEqualTo(2);
        assertThat(list.get(0).path("total_cost_usd").asDouble()).isZero();
        assertThat(list.get(1).path("message_count").asLong()).isZero();
    }

    static List<String> fieldNames(JsonNode node) {
        return iterable(node.fieldNames());
    }

    private static List<String> ids(JsonNode list) {
        return iterable(list.elements()).stream()
                .map(n -> n.path("id").asText())
                .toList();
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
