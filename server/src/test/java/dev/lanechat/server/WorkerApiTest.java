package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestClock;
import dev.lanechat.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker API of protocol.md: claim (long-poll), heartbeat, complete, fail, and lost leases. */
class WorkerApiTest {
    static final String LANES = """
            lanes:
              - name: demo
                processor: demo
                default: true
              - name: ext
                processor: worker
                model: ext-model
                attempts: 2
              - name: solo
                processor: worker
                concurrency: 1
            """;

    @TempDir
    Path dataDir;

    TestServer server;
    Http http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Duration lease) {
        start(lease, Clock.systemUTC());
    }

    private void start(Duration lease, Clock clock) {
        server = TestServer.start(
                dataDir, clock, b -> b.lease(lease).lanes(LanesFile.parse("lanes.yaml", LANES, Map.of())));
        http = server.http();
    }

    private JsonNode sendTo(String lane, String conversationId, String content) {
        Http.Response r = http.post(
                "/api/conversations/" + conversationId + "/messages", Map.of("content", content, "lane", lane));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json();
    }

    private JsonNode claim(String lane, int waitS) {
        Http.Response r = http.post("/api/lanes/" + lane + "/claim?wait_s=" + waitS, "");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void aWorkerClaimsWithHistoryHeartbeatsAndCompletesWithFilesAndCost() {
        start(Duration.ofSeconds(30));
        assertThat(http.get("/api/lanes").json().findValuesAsText("name")).containsExactly("demo", "ext", "solo");
        Socket socket = server.socket().subscribe();
        socket.ready();
        String conversationId = http.createConversation().path("id").asText();
        String first = sendTo("ext", conversationId, "one").path("task_id").asText();
        JsonNode claimed = claim("ext", 0);
        assertThat(claimed.path("task_id").asText()).isEqualTo(first);
        complete(first, claimed.path("lease_id").asText(), "ONE", 0.25, List.of());
        socket.update();

        JsonNode sent = sendTo("ext", conversationId, "two, with a file");
        String taskId = sent.path("task_id").asText();
        JsonNode task = claim("ext", 0);
        assertThat(task.path("task_id").asText()).isEqualTo(taskId);
        assertThat(task.path("conversation_id").asText()).isEqualTo(conversationId);
        assertThat(task.path("content").asText()).isEqualTo("two, with a file");
        assertThat(task.path("history").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"ONE\"}]");
        Instant expires = Instant.parse(task.path("lease_expires_at").asText());
        assertThat(expires)
                .isBetween(Instant.now().plusSeconds(25), Instant.now().plusSeconds(31));
        assertThat(http.task(taskId).path("status").asText()).isEqualTo("running");
        String leaseId = task.path("lease_id").asText();

        Http.Response beat = http.post("/api/tasks/" + taskId + "/heartbeat", Map.of("lease_id", leaseId));
        assertThat(beat.status()).as(beat.body()).isEqualTo(200);
        assertThat(Instant.parse(beat.json().path("lease_expires_at").asText())).isAfterOrEqualTo(expires);

        String fileText = "two\n";
        Http.Response done = complete(
                taskId,
                leaseId,
                "TWO",
                0.5,
                List.of(Map.of(
                        "name",
                        "two.txt",
                        "content_type",
                        "text/plain",
                        "content_base64",
                        Base64.getEncoder().encodeToString(fileText.getBytes(StandardCharsets.UTF_8)))));
        assertThat(done.json().path("status").asText()).isEqualTo("completed");
        assertThat(done.json().path("result").path("content").asText()).isEqualTo("TWO");
        assertThat(done.json().path("result").path("model").asText()).isEqualTo("ext-model");

        JsonNode data = socket.update().path("data");
        assertThat(data.path("type").asText()).isEqualTo("task.completed");
        assertThat(data.path("result").path("cost_usd").asDouble()).isEqualTo(0.5);
        JsonNode file = data.path("result").path("files").path(0);
        assertThat(file.path("name").asText()).isEqualTo("two.txt");
        assertThat(file.path("size").asLong()).isEqualTo(4);
        Http.Response download = http.get(file.path("url").asText());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(fileText);
        assertThat(download.header("Content-Disposition")).startsWith("attachment");

        JsonNode conversation = http.get("/api/conversations").json().path(0);
        assertThat(conversation.path("total_cost_usd").asDouble()).isCloseTo(0.75, within(1e-9));

        // The task has ended: its lease is gone.
        assertError(http.post("/api/tasks/" + taskId + "/heartbeat", Map.of("lease_id", leaseId)), 409, "conflict");
        assertError(complete(taskId, leaseId, "again", 0, List.of()), 409, "conflict");
    }

    /** Sends {@code content} to lane ext, claims it, completes it with {@code answer}; returns the claim. */
    private JsonNode exchange(String conversationId, String content, String answer) {
        String taskId = sendTo("ext", conversationId, content).path("task_id").asText();
        JsonNode claimed = claim("ext", 0);
        assertThat(claimed.path("task_id").asText()).isEqualTo(taskId);
        if (answer != null) {
            assertThat(complete(taskId, claimed.path("lease_id").asText(), answer, 0, List.of())
                            .status())
                    .isEqualTo(200);
        }
        return claimed;
    }

    private static int utf8(JsonNode claimed) {
        int bytes = claimed.path("content").asText().getBytes(StandardCharsets.UTF_8).length;
        for (JsonNode turn : claimed.path("history")) {
            bytes += turn.path("content").asText().getBytes(StandardCharsets.UTF_8).length;
        }
        return bytes;
    }

    @Test
    void theClaimsHistoryIsBoundedByCountAndBytesKeepingTheNewestAndTheMessageAnswered() {
        server = TestServer.start(
                dataDir, b -> b.history(5, 1000).lanes(LanesFile.parse("lanes.yaml", LANES, Map.of())));
        http = server.http();
        String conversationId = http.createConversation().path("id").asText();
        for (int i = 0; i < 4; i++) {
            exchange(
                    conversationId,
                    ("u" + i + " ").repeat(34).substring(0, 100),
                    ("a" + i + " ").repeat(34).substring(0, 100));
        }

        // By count: the message answered and the 4 newest before it (5 in all), oldest first.
        JsonNode byCount = exchange(conversationId, "last question", "é".repeat(300)); // 600 bytes, 300 chars
        assertThat(byCount.path("content").asText()).isEqualTo("last question");
        assertThat(byCount.path("history")).hasSize(4);
        assertThat(byCount.path("history").findValuesAsText("content"))
                .extracting(c -> c.substring(0, 3))
                .containsExactly("u2 ", "a2 ", "u3 ", "a3 ");
        assertThat(utf8(byCount)).isLessThanOrEqualTo(1000);

        // By bytes of UTF-8 (not characters): 300 + 600 + 13 fit, the next 100 would not.
        String question = "q".repeat(300);
        JsonNode byBytes = exchange(conversationId, question, "fine");
        assertThat(byBytes.path("content").asText()).isEqualTo(question);
        assertThat(byBytes.path("history").findValuesAsText("content"))
                .containsExactly("last question", "é".repeat(300));
        assertThat(utf8(byBytes)).isEqualTo(913);

        // The message answered always goes, even alone over the bound.
        String big = "b".repeat(2000);
        JsonNode alone = exchange(conversationId, big, null);
        assertThat(alone.path("content").asText()).isEqualTo(big);
        assertThat(alone.path("history")).isEmpty();
    }

    @Test
    void claimWaitsForWorkAndAnswers204WhenNoneCame() throws Exception {
        start(Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        Http.Response empty = http.post("/api/lanes/ext/claim?wait_s=1", "");
        assertThat(empty.status()).isEqualTo(204);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(900L, 3000L);
        assertThat(http.post("/api/lanes/ext/claim", "").status()).isEqualTo(204);

        CompletableFuture<Http.Response> waiting =
                CompletableFuture.supplyAsync(() -> http.post("/api/lanes/ext/claim?wait_s=20", ""));
        Thread.sleep(300);
        String conversationId = http.createConversation().path("id").asText();
        long sentAt = System.nanoTime();
        String taskId = sendTo("ext", conversationId, "wake up").path("task_id").asText();
        Http.Response claimed = waiting.get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt)).isLessThan(900);
        assertThat(claimed.status()).isEqualTo(200);
        assertThat(claimed.json().path("task_id").asText()).isEqualTo(taskId);
    }

    @Test
    void aCancelledTaskEndsAtOnceAndItsWorkerGets409() {
        start(Duration.ofSeconds(30));
        Socket socket = server.socket().subscribe();
        socket.ready();
        String conversationId = http.createConversation().path("id").asText();
        String taskId =
                sendTo("ext", conversationId, "long job").path("task_id").asText();
        String leaseId = claim("ext", 0).path("lease_id").asText();

        Http.Response cancelled = http.post("/api/tasks/" + taskId + "/cancel", Map.of());
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("error").asText()).isEqualTo("cancelled");
        JsonNode data = socket.update().path("data");
        assertThat(data.path("type").asText()).isEqualTo("task.failed");
        assertThat(data.path("cancelled").asBoolean()).isTrue();

        assertError(http.post("/api/tasks/" + taskId + "/heartbeat", Map.of("lease_id", leaseId)), 409, "conflict");
        assertError(complete(taskId, leaseId, "too late", 1.0, List.of()), 409, "conflict");
        assertError(
                http.post("/api/tasks/" + taskId + "/fail", Map.of("lease_id", leaseId, "error", "x")),
                409,
                "conflict");
        JsonNode task = http.task(taskId);
        assertThat(task.path("status").asText()).isEqualTo("failed");
        assertThat(task.path("error").asText()).isEqualTo("cancelled");
        assertThat(http.get("/api/conversations")
                        .json()
                        .path(0)
                        .path("total_cost_usd")
                        .asDouble())
                .isZero();
    }

    @Test
    void failEndsTheTaskWithTheWorkersErrorOrRequeuesIt() {
        start(Duration.ofSeconds(30));
        String conversationId = http.createConversation().path("id").asText();
        String taskId = sendTo("ext", conversationId, "x").path("task_id").asText();
        JsonNode first = claim("ext", 0);
        Http.Response retried = http.post(
                "/api/tasks/" + taskId + "/fail",
                Map.of("lease_id", first.path("lease_id").asText(), "error", "GPU busy", "retry", true));
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(retried.json().path("status").asText()).isEqualTo("queued");

        JsonNode second = claim("ext", 0);
        assertThat(second.path("attempt").asInt()).isEqualTo(2);
        Http.Response failed = http.post(
                "/api/tasks/" + taskId + "/fail",
                Map.of("lease_id", second.path("lease_id").asText(), "error", "the input is not a recipe"));
        assertThat(failed.status()).isEqualTo(200);
        assertThat(failed.json().path("status").asText()).isEqualTo("failed");
        assertThat(failed.json().path("error").asText()).isEqualTo("the input is not a recipe");
    }

    @Test
    void anExpiredLeaseGoesBackToTheQueueUpToTheLanesAttempts() {
        TestClock clock = new TestClock();
        start(Duration.ofSeconds(30), clock);
        String conversationId = http.createConversation().path("id").asText();
        String taskId =
                sendTo("ext", conversationId, "abandoned").path("task_id").asText();
        String firstLease = claim("ext", 0).path("lease_id").asText();
        // Nobody heartbeats: once its lease is past, the sweep requeues it; the lane allows 2 attempts.
        clock.advance(Duration.ofSeconds(31));
        JsonNode second = await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.post("/api/lanes/ext/claim", ""), r -> r.status() == 200)
                .json();
        assertThat(second.path("task_id").asText()).isEqualTo(taskId);
        assertError(http.post("/api/tasks/" + taskId + "/heartbeat", Map.of("lease_id", firstLease)), 409, "conflict");
        clock.advance(Duration.ofSeconds(31));
        JsonNode ended = http.awaitTaskEnd(taskId);
        assertThat(ended.path("status").asText()).isEqualTo("failed");
        assertThat(ended.path("error").asText()).contains("lease expired").contains("gave up after 2 attempts");
    }

    @Test
    void aWorkerLanesConcurrencyCapsTheTasksLeasedAtOnce() {
        start(Duration.ofSeconds(30));
        String conversationId = http.createConversation().path("id").asText();
        sendTo("solo", conversationId, "a");
        sendTo("solo", conversationId, "b");
        JsonNode first = claim("solo", 0);
        assertThat(http.post("/api/lanes/solo/claim", "").status()).isEqualTo(204);
        complete(first.path("task_id").asText(), first.path("lease_id").asText(), "A", 0, List.of());
        assertThat(claim("solo", 0).path("content").asText()).isEqualTo("b");
    }

    @Test
    void badRequestsGetTheContractsErrors() {
        start(Duration.ofSeconds(30));
        assertError(http.post("/api/lanes/nope/claim", ""), 404, "not_found");
        Http.Response notWorker = http.post("/api/lanes/demo/claim", "");
        assertError(notWorker, 409, "conflict");
        assertThat(notWorker.json().path("error").path("message").asText()).contains("processor: worker");
        assertError(http.post("/api/lanes/ext/claim?wait_s=-1", ""), 400, "invalid_request");
        assertError(http.post("/api/lanes/ext/claim?wait_s=soon", ""), 400, "invalid_request");
        assertError(http.post("/api/tasks/no-such-task/heartbeat", Map.of("lease_id", "x")), 404, "not_found");

        String conversationId = http.createConversation().path("id").asText();
        String taskId = sendTo("ext", conversationId, "x").path("task_id").asText();
        String lease = claim("ext", 0).path("lease_id").asText();
        String path = "/api/tasks/" + taskId;
        assertError(http.post(path + "/heartbeat", Map.of()), 400, "invalid_request");
        assertError(http.post(path + "/heartbeat", Map.of("lease_id", 5)), 400, "invalid_request");
        assertError(
                http.request("POST", path + "/heartbeat", "text/plain", "{}".getBytes(), new String[0]),
                415,
                "unsupported_media_type");
        assertError(http.post(path + "/heartbeat", Map.of("lease_id", "not-the-lease")), 409, "conflict");
        assertError(http.post(path + "/complete", Map.of("lease_id", lease)), 400, "invalid_request");
        assertError(http.post(path + "/complete", Map.of("lease_id", lease, "content", 7)), 400, "invalid_request");
        assertError(
                http.post(path + "/complete", Map.of("lease_id", lease, "content", "x", "cost_usd", -1)),
                400,
                "invalid_request");
        assertError(
                http.post(path + "/complete", Map.of("lease_id", lease, "content", "x", "cost_usd", "free")),
                400,
                "invalid_request");
        assertError(
                http.post(path + "/complete", Map.of("lease_id", lease, "content", "x", "files", "a.txt")),
                400,
                "invalid_request");
        assertError(
                http.post(
                        path + "/complete",
                        Map.of(
                                "lease_id",
                                lease,
                                "content",
                                "x",
                                "files",
                                List.of(Map.of("name", "../etc/passwd", "content_base64", "")))),
                400,
                "invalid_request");
        assertError(
                http.post(
                        path + "/complete",
                        Map.of(
                                "lease_id",
                                lease,
                                "content",
                                "x",
                                "files",
                                List.of(Map.of("name", "a.bin", "content_base64", "!!not base64!!")))),
                400,
                "invalid_request");
        assertError(
                http.post(
                        path + "/complete",
                        Map.of("lease_id", lease, "content", "x", "files", List.of(Map.of("name", "a.bin")))),
                400,
                "invalid_request");
        assertError(http.post(path + "/fail", Map.of("lease_id", lease)), 400, "invalid_request");
        assertError(http.post(path + "/fail", Map.of("lease_id", lease, "error", "  ")), 400, "invalid_request");

        // Files over 10 MiB in all: 413, in a body far over the 64 KiB of other calls. Two files of
        // 5.5 MiB: 11 MiB decoded, in a body of 14.7 MiB, under the 16 MiB a completion may send, so
        // the server reads it all and the 413 is the files' own. (A body over 16 MiB gets its 413
        // after 1 MiB more is read; the client may still be sending and see the connection reset.)
        String half = Base64.getEncoder().encodeToString(new byte[11 * 512 * 1024]);
        Http.Response tooBig = http.post(
                path + "/complete",
                Map.of(
                        "lease_id",
                        lease,
                        "content",
                        "x",
                        "files",
                        List.of(
                                Map.of("name", "a.bin", "content_base64", half),
                                Map.of("name", "b.bin", "content_base64", half))));
        assertThat(tooBig.body()).contains("at most 10 MiB");
        assertError(tooBig, 413, "payload_too_large");
        // A 6 MiB file is fine; the task is still held after the refused calls.
        String big = Base64.getEncoder().encodeToString(new byte[6 * 1024 * 1024]);
        Http.Response ok = http.post(
                path + "/complete",
                Map.of(
                        "lease_id",
                        lease,
                        "content",
                        "",
                        "files",
                        List.of(Map.of("name", "a.bin", "content_base64", big))));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().path("result").path("files").path(0).path("size").asLong())
                .isEqualTo(6 * 1024 * 1024);
        assertThat(ok.json()
                        .path("result")
                        .path("files")
                        .path(0)
                        .path("content_type")
                        .asText())
                .isEqualTo("application/octet-stream");
    }

    @Test
    void tokenModeAcceptsOnlyWorkerTokensOnTheWorkerApiAndOnlyUserTokensElsewhere() {
        server = TestServer.start(
                dataDir, b -> b.auth(AuthMode.TOKEN).lanes(LanesFile.parse("lanes.yaml", LANES, Map.of())));
        String userToken = TokenUsers.add(dataDir, "ada");
        String out = TokenUsers.run(0, "add", "robot", "--worker", "--data-dir", dataDir.toString());
        String workerToken =
                out.strip().lines().reduce((a, b) -> b).orElseThrow().strip();
        assertThat(out).contains("Created worker 'robot'");
        assertThat(TokenUsers.run(0, "list", "--data-dir", dataDir.toString()))
                .contains("robot")
                .contains("worker");
        Http user = server.http().withBearer(userToken);
        Http worker = server.http().withBearer(workerToken);

        assertError(server.http().post("/api/lanes/ext/claim", ""), 401, "unauthenticated");
        assertError(user.post("/api/lanes/ext/claim", ""), 401, "unauthenticated");
        assertThat(worker.post("/api/lanes/ext/claim", "").status()).isEqualTo(204);
        assertError(worker.get("/api/conversations"), 401, "unauthenticated");
        assertError(worker.post("/api/session", Map.of("token", workerToken)), 401, "unauthenticated");

        String conversationId = user.createConversation().path("id").asText();
        Http.Response sent = user.post(
                "/api/conversations/" + conversationId + "/messages", Map.of("content", "hi robot", "lane", "ext"));
        String taskId = sent.json().path("task_id").asText();
        Http.Response claimed = worker.post("/api/lanes/ext/claim?wait_s=5", "");
        assertThat(claimed.json().path("task_id").asText()).isEqualTo(taskId);
        assertError(
                user.post(
                        "/api/tasks/" + taskId + "/heartbeat",
                        Map.of("lease_id", claimed.json().path("lease_id").asText())),
                401,
                "unauthenticated");
        Http.Response done = worker.post(
                "/api/tasks/" + taskId + "/complete",
                Map.of(
                        "lease_id",
                        claimed.json().path("lease_id").asText(),
                        "content",
                        "HI ROBOT",
                        "files",
                        List.of(Map.of("name", "r.txt", "content_type", "text/plain", "content_base64", "cm9ib3Q="))));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        String fileUrl = user.awaitTaskEnd(taskId)
                .path("result")
                .path("files")
                .path(0)
                .path("url")
                .asText();
        assertThat(user.get(fileUrl).body()).isEqualTo("robot");
        // Only the task's owner downloads its files.
        String otherToken = TokenUsers.add(dataDir, "bob");
        assertError(server.http().withBearer(otherToken).get(fileUrl), 404, "not_found");
        assertError(worker.get(fileUrl), 401, "unauthenticated");
    }

    private Http.Response complete(
            String taskId, String leaseId, String content, double cost, List<Map<String, String>> files) {
        Http.Response r = http.post(
                "/api/tasks/" + taskId + "/complete",
                Map.of("lease_id", leaseId, "content", content, "cost_usd", cost, "files", files));
        if (r.status() == 200) {
            assertThat(r.json().path("task_id").asText()).isEqualTo(taskId);
        }
        return r;
    }
}
