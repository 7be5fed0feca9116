package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Idempotency-Key} on sends: a retry returns the first answer and creates nothing new. */
class IdempotencyTest {
    @TempDir
    Path dataDir;

    TestServer server;
    Http http;
    String conversationId;
    String sendPath;

    @BeforeEach
    void start() {
        server = TestServer.start(dataDir);
        http = server.http();
        conversationId = http.createConversation().path("id").asText();
        sendPath = "/api/conversations/" + conversationId + "/messages";
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long messageCount() {
        return http.conversation(conversationId).path("message_count").asLong();
    }

    @Test
    void sameKeyAndBodyReturnsTheFirstAnswerAndCreatesNothing() {
        Http.Response first = http.post(sendPath, Map.of("content", "once"), "Idempotency-Key", "key-1");
        assertThat(first.status()).isEqualTo(202);
        http.awaitTaskEnd(first.json().path("task_id").asText());

        Http.Response again = http.post(sendPath, Map.of("content", "once"), "Idempotency-Key", "key-1");
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json()).isEqualTo(first.json());
        assertThat(messageCount()).isEqualTo(2);
        assertThat(http.events(0).path("events")).hasSize(1);

        // Another key is another message.
        http.send(conversationId, "once", "Idempotency-Key", "key-2");
        assertThat(messageCount()).isEqualTo(4);
    }

    @Test
    void sameKeyWithAnotherBodyIsConflict() {
        http.send(conversationId, "first body", "Idempotency-Key", "key-x");
        assertError(http.post(sendPath, Map.of("content", "second body"), "Idempotency-Key", "key-x"), 409, "conflict");
        assertError(
                http.post(sendPath, Map.of("content", "first body", "lane", "demo"), "Idempotency-Key", "key-x"),
                409,
                "conflict");
        String other = http.createConversation().path("id").asText();
        assertError(
                http.post(
                        "/api/conversations/" + other + "/messages",
                        Map.of("content", "first body"),
                        "Idempotency-Key",
                        "key-x"),
                409,
                "conflict");
        assertThat(messageCount()).isEqualTo(2);
    }

    @Test
    void keyLengthIsOneTo255() {
        assertError(
                http.post(sendPath, Map.of("content", "hi"), "Idempotency-Key", "k".repeat(256)),
                400,
                "invalid_request");
        assertError(http.post(sendPath, Map.of("content", "hi"), "Idempotency-Key", ""), 400, "invalid_request");
        assertThat(messageCount()).isZero();
        assertThat(http.post(sendPath, Map.of("content", "hi"), "Idempotency-Key", "k".repeat(255))
                        .status())
                .isEqualTo(202);
        assertThat(http.post(sendPath, Map.of("content", "hi"), "Idempotency-Key", "k")
                        .status())
                .isEqualTo(202);
    }

    @Test
    void concurrentRetriesWithOneKeyCreateOneTask() throws Exception {
        int n = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Http.Response>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return http.post(sendPath, Map.of("content", "racing"), "Idempotency-Key", "race");
                }));
            }
            go.countDown();
            JsonNode firstBody = null;
            for (Future<Http.Response> answer : answers) {
                Http.Response r = answer.get();
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                firstBody = firstBody == null ? r.json() : firstBody;
                assertThat(r.json()).isEqualTo(firstBody);
            }
            assertThat(messageCount()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }
}
