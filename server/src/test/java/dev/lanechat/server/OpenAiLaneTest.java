package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.OpenAiStandIn;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An openai lane in the real server, against the stand-in endpoint: cost, history, streaming, failures, cancel. */
class OpenAiLaneTest {
    @TempDir
    Path dataDir;

    final OpenAiStandIn standIn = new OpenAiStandIn();
    TestServer server;
    Http http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        standIn.close();
    }

    private void start(String apiKey) {
        start(apiKey, b -> b);
    }

    private void start(
            String apiKey, java.util.function.UnaryOperator<dev.lanechat.server.config.Config.Builder> tweak) {
        String lanes = """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: %s
                    api_key_env: OPENAI_API_KEY
                    model: gpt-4o-mini
                    price_per_million: { input: 0.15, output: 0.60 }
                    timeout_s: 30
                    attempts: 2
                    concurrency: 1
                """.formatted(standIn.baseUrl());
        Map<String, String> env = apiKey == null ? Map.of() : Map.of("OPENAI_API_KEY", apiKey);
        server = TestServer.start(dataDir, b -> tweak.apply(b.lanes(LanesFile.parse("lanes.yaml", lanes, env))));
        http = server.http();
    }

    @Test
    void answersCarryTheModelAndTheCostOfTheirUsageAndTheConversationAddsThemUp() {
        start("sk-test");
        JsonNode lanes = http.get("/api/lanes").json();
        assertThat(lanes.path(0).path("name").asText()).isEqualTo("gpt");
        assertThat(lanes.path(0).path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(lanes.path(0).path("default").asBoolean()).isTrue();

        standIn.then(OpenAiStandIn.completion("Hello!", 1_000_000, 0))
                .then(OpenAiStandIn.completion("Bonjour !", 0, 1_000_000));
        String conversationId = http.createConversation().path("id").asText();
        JsonNode first = http.awaitTaskEnd(
                http.send(conversationId, "Say hello").path("task_id").asText());
        assertThat(first.path("status").asText()).isEqualTo("completed");
        assertThat(first.path("result").path("content").asText()).isEqualTo("Hello!");
        assertThat(first.path("result").path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
        assertThat(first.path("result").path("cost_usd").asDouble()).isCloseTo(0.15, within(1e-9));
        JsonNode second = http.awaitTaskEnd(
                http.send(conversationId, "And in French?").path("task_id").asText());
        assertThat(second.path("result").path("cost_usd").asDouble()).isCloseTo(0.60, within(1e-9));

        JsonNode request = standIn.received().get(1).body();
        assertThat(request.path("messages").toString())
                .isEqualTo(
                        "[{\"role\":\"user\",\"content\":\"Say hello\"},"
                                + "{\"role\":\"assistant\",\"content\":\"Hello!\"},{\"role\":\"user\",\"content\":\"And in French?\"}]");
        assertThat(standIn.received().get(1).authorization()).isEqualTo("Bearer sk-test");

        JsonNode listed = http.get("/api/conversations").json().path(0);
        assertThat(listed.path("total_cost_usd").asDouble()).isCloseTo(0.75, within(1e-9));
        JsonNode messages = http.conversation(conversationId).path("messages");
        assertThat(messages.path(1).path("cost_usd").asDouble()).isCloseTo(0.15, within(1e-9));
        assertThat(messages.path(3).path("model").asText()).isEqualTo("gpt-4o-mini-2024-07-18");
    }

    @Test
    void theModelIsGivenOnlyTheNewestMessagesWithinTheHistoryBound() {
        start("sk-test", b -> b.history(3, 1000));
        standIn.then(OpenAiStandIn.completion("one", 1, 1))
                .then(OpenAiStandIn.completion("two", 1, 1))
                .then(OpenAiStandIn.completion("three", 1, 1));
        String conversationId = http.createConversation().path("id").asText();
        for (String question : List.of("first?", "second?", "third?")) {
            assertThat(http.awaitTaskEnd(http.send(conversationId, question)
                                    .path("task_id")
                                    .asText())
                            .path("status")
                            .asText())
                    .isEqualTo("completed");
        }
        // The third task: the question and the two newest messages before it, oldest first.
        assertThat(standIn.received().get(2).body().path("messages").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"second?\"},{\"role\":\"assistant\",\"content\":\"two\"},"
                        + "{\"role\":\"user\",\"content\":\"third?\"}]");
    }

    /** The frames up to the first that is not a {@code progress} one, which comes last. */
    private static List<JsonNode> framesToTheEnd(Socket socket) {
        List<JsonNode> frames = new ArrayList<>();
        JsonNode frame;
        do {
            frame = socket.nextWithProgress();
            frames.add(frame);
        } while ("progress".equals(frame.path("event").asText()));
        return frames;
    }

    @Test
    void aStreamedAnswerReachesTheSocketAsProgressBeforeTaskCompletedWhichEqualsItsConcatenation() {
        start("sk-test");
        List<String> pieces = List.of("Bonjour", " ! Je ", "vais ", "bien, ", "merci. ", "Et vous ? 🙂");
        standIn.then(OpenAiStandIn.streamed(pieces, 1_000_000, 1_000_000, 120));
        String conversationId = http.createConversation().path("id").asText();
        Socket socket = server.socket().subscribe();
        socket.ready();
        JsonNode sent = http.send(conversationId, "Ça va ?");

        List<JsonNode> frames = framesToTheEnd(socket);
        JsonNode end = frames.remove(frames.size() - 1);
        assertThat(end.path("event").asText()).isEqualTo("update");
        assertThat(end.path("data").path("type").asText()).isEqualTo("task.completed");
        assertThat(frames).as("progress frames before task.completed").hasSizeGreaterThan(1);
        StringBuilder text = new StringBuilder();
        for (JsonNode frame : frames) {
            JsonNode p = frame.path("data");
            assertThat(p.path("task_id").asText())
                    .isEqualTo(sent.path("task_id").asText());
            assertThat(p.path("message_id").asText())
                    .isEqualTo(sent.path("message_id").asText());
            assertThat(p.path("offset").asInt()).as("offset of " + p).isEqualTo(text.length());
            text.append(p.path("delta").asText());
        }
        String content = end.path("data").path("result").path("content").asText();
        assertThat(text.toString()).isEqualTo(content).isEqualTo(String.join("", pieces));
        assertThat(end.path("data").path("result").path("cost_usd").asDouble()).isCloseTo(0.75, within(1e-9));
        assertThat(standIn.received().get(0).body().path("stream").asBoolean()).isTrue();
    }

    @Test
    void anErrorMidStreamFailsTheTaskWithItsMessageAndARetriedAttemptStreamsFromOffsetZero() {
        start("sk-test");
        standIn.then(OpenAiStandIn.streamedThenError(List.of("Once upon", " a time"), 60, "The model crashed."))
                .then(OpenAiStandIn.streamedThenError(List.of("Once upon"), 60, "The model crashed again."));
        String conversationId = http.createConversation().path("id").asText();
        Socket socket = server.socket().subscribe();
        socket.ready();
        String taskId =
                http.send(conversationId, "tell me a story").path("task_id").asText();

        List<JsonNode> frames = framesToTheEnd(socket);
        JsonNode end = frames.remove(frames.size() - 1);
        assertThat(end.path("data").path("type").asText()).isEqualTo("task.failed");
        assertThat(frames)
                .extracting(f -> f.path("data").path("offset").asInt())
                .as("each attempt streams from offset 0")
                .contains(0)
                .filteredOn(o -> o == 0)
                .hasSize(2);
        JsonNode task = http.task(taskId);
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText())
                .contains("the model endpoint failed in the middle of its answer: The model crashed again.")
                .contains("gave up after 2 attempts")
                .doesNotContain("Exception");
        assertThat(standIn.received()).hasSize(2);
    }

    @Test
    void cancellingMidStreamEndsTheStreamAndTheTask() throws Exception {
        start("sk-test");
        standIn.then(OpenAiStandIn.streamed(Collections.nCopies(200, "word "), 1, 1, 100));
        String conversationId = http.createConversation().path("id").asText();
        Socket socket = server.socket().subscribe();
        socket.ready();
        String taskId =
                http.send(conversationId, "a long answer").path("task_id").asText();

        assertThat(socket.nextWithProgress().path("event").asText()).isEqualTo("progress");
        long t0 = System.nanoTime();
        assertThat(http.post("/api/tasks/" + taskId + "/cancel", Map.of()).status())
                .isEqualTo(200);
        List<JsonNode> frames = framesToTheEnd(socket);
        JsonNode end = frames.get(frames.size() - 1);
        assertThat(end.path("data").path("type").asText()).isEqualTo("task.failed");
        assertThat(end.path("data").path("cancelled").asBoolean()).isTrue();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
        assertThat(standIn.awaitStreamCutOff(Duration.ofSeconds(3)))
                .as("the stand-in sees the stream cut off")
                .isTrue();
        socket.assertQuiet(Duration.ofMillis(500));
        assertThat(http.task(taskId).path("error").asText()).isEqualTo("cancelled");
    }

    @Test
    void aRefusedKeyFailsTheTaskWithAClearMessageAndNoRetry() {
        start("sk-bad");
        standIn.then(OpenAiStandIn.badKey());
        String conversationId = http.createConversation().path("id").asText();
        JsonNode task = http.awaitTaskEnd(
                http.send(conversationId, "hi").path("task_id").asText());
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText())
                .startsWith("the model endpoint refused the API key (401): Incorrect API key provided")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(standIn.received()).hasSize(1);
    }

    @Test
    void anEndpointThatKeepsFailingUsesTheLanesAttempts() {
        start("sk-test");
        for (int i = 0; i < 6; i++) {
            standIn.then(OpenAiStandIn.serverError());
        }
        String conversationId = http.createConversation().path("id").asText();
        JsonNode task = http.awaitTaskEnd(
                http.send(conversationId, "hi").path("task_id").asText());
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText())
                .contains("kept failing with 500 after 3 tries")
                .contains("gave up after 2 attempts");
        assertThat(standIn.received()).hasSize(6);
    }

    @Test
    void cancellingARunningTaskAbortsTheModelCallAndEndsAtOnce() throws Exception {
        start("sk-test");
        standIn.then(OpenAiStandIn.completion("never", 1, 1, 20_000));
        String conversationId = http.createConversation().path("id").asText();
        String taskId = http.send(conversationId, "think hard").path("task_id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> !standIn.received().isEmpty());
        assertThat(http.task(taskId).path("status").asText()).isEqualTo("running");
        long t0 = System.nanoTime();
        Http.Response cancelled = http.post("/api/tasks/" + taskId + "/cancel", Map.of());
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("error").asText()).isEqualTo("cancelled");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
        // The lane's one slot is free again at once (the call was aborted): the next message is answered now.
        String next = http.send(conversationId, "quick one").path("task_id").asText();
        JsonNode answered = http.awaitTaskEnd(next);
        assertThat(answered.path("status").asText()).isEqualTo("completed");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
        assertThat(http.task(taskId).path("error").asText()).isEqualTo("cancelled");
    }
}
