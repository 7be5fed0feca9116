package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log as a client sees it: replay with since, reset, gapless ids under load, long-poll. */
class EventStreamTest {
    @TempDir
    Path dataDir;

    TestServer server;
    Http http;
    String conversationId;

    @BeforeEach
    void start() {
        server = TestServer.start(dataDir, b -> b.demoConcurrency(8));
        http = server.http();
        conversationId = http.createConversation().path("id").asText();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends {@code n} messages one after the other and waits until each has ended; returns the task ids. */
    private List<String> sendAndFinish(int n) {
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String taskId =
                    http.send(conversationId, "message " + i).path("task_id").asText();
            http.awaitTaskEnd(taskId);
            taskIds.add(taskId);
        }
        return taskIds;
    }

    @Test
    void replaysEventsMissedWhileDisconnectedThenReady() {
        Socket before = server.socket().subscribe();
        assertThat(before.ready()).isZero();
        sendAndFinish(2);
        assertThat(before.update().path("id").asLong()).isEqualTo(1);
        assertThat(before.update().path("id").asLong()).isEqualTo(2);
        before.close();

        List<String> missed = sendAndFinish(3);
        http.awaitEvents(5);

        Socket resumed = server.socket().subscribe(2);
        for (int i = 0; i < 3; i++) {
            JsonNode frame = resumed.update();
            assertThat(frame.path("id").asLong()).isEqualTo(3 + i);
            assertThat(frame.path("data").path("task_id").asText()).isEqualTo(missed.get(i));
        }
        assertThat(resumed.ready()).isEqualTo(5);

        // The same frames as the long-poll.
        JsonNode polled = http.events(2).path("events");
        assertThat(polled).hasSize(3);

        // Live after ready, continuing the numbering.
        String live = http.send(conversationId, "live").path("task_id").asText();
        JsonNode frame = resumed.update();
        assertThat(frame.path("id").asLong()).isEqualTo(6);
        assertThat(frame.path("data").path("task_id").asText()).isEqualTo(live);
    }

    @Test
    void subscribeWithoutSinceStartsAtNewestAndSinceZeroReplaysAll() {
        sendAndFinish(2);
        http.awaitEvents(2);

        Socket fresh = server.socket().subscribe();
        assertThat(fresh.ready()).isEqualTo(2);

        Socket all = server.socket().subscribe(0);
        assertThat(all.update().path("id").asLong()).isEqualTo(1);
        assertThat(all.update().path("id").asLong()).isEqualTo(2);
        assertThat(all.ready()).isEqualTo(2);

        Socket upToDate = server.socket().subscribe(2);
        assertThat(upToDate.ready()).isEqualTo(2);
        fresh.assertQuiet(Duration.ofMillis(200));
    }

    @Test
    void sinceNewerThanNewestGivesResetThenReady() {
        sendAndFinish(1);
        Socket socket = server.socket().subscribe(1000);
        JsonNode reset = socket.nextNonPing();
        assertThat(reset.path("event").asText()).isEqualTo("reset");
        assertThat(reset.path("data").isObject()).isTrue();
        assertThat(reset.path("data")).isEmpty();
        assertThat(socket.ready()).isEqualTo(1);

        // And it is live from there.
        String taskId = http.send(conversationId, "after reset").path("task_id").asText();
        JsonNode frame = socket.update();
        assertThat(frame.path("id").asLong()).isEqualTo(2);
        assertThat(frame.path("data").path("task_id").asText()).isEqualTo(taskId);
    }

    @Test
    void longPollAfterNewerThanNewestIsReset() {
        Http.assertError(http.get("/api/events?after=1"), 410, "reset");
        sendAndFinish(1);
        assertThat(http.events(1).path("last_id").asLong()).isEqualTo(1);
        Http.assertError(http.get("/api/events?after=2"), 410, "reset");
        Http.assertError(http.get("/api/events?after=999999&wait_s=1"), 410, "reset");
    }

    @Test
    void fiftyParallelSendsGiveFiftyConsecutiveEventsEachTaskOnce() throws Exception {
        int n = 50;
        Socket socket = server.socket().subscribe();
        assertThat(socket.ready()).isZero();

        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> sends = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String content = "parallel " + i;
                sends.add(pool.submit(() -> {
                    go.await();
                    return http.send(conversationId, content).path("task_id").asText();
                }));
            }
            go.countDown();
            Set<String> taskIds = new HashSet<>();
            for (Future<String> send : sends) {
                taskIds.add(send.get());
            }
            assertThat(taskIds).hasSize(n);

            List<Long> socketIds = new ArrayList<>();
            List<String> socketTasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                JsonNode frame = socket.update();
                socketIds.add(frame.path("id").asLong());
                socketTasks.add(frame.path("data").path("task_id").asText());
                assertThat(frame.path("data").path("type").asText()).isEqualTo("task.completed");
            }
            assertThat(socketIds)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, n).boxed().toList());
            assertThat(socketTasks).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(taskIds);
            socket.assertQuiet(Duration.ofMillis(300));

            JsonNode polled = http.events(0);
            assertThat(polled.path("last_id").asLong()).isEqualTo(n);
            List<Long> pollIds = new ArrayList<>();
            List<String> pollTasks = new ArrayList<>();
            polled.path("events").forEach(e -> {
                pollIds.add(e.path("id").asLong());
                pollTasks.add(e.path("data").path("task_id").asText());
            });
            assertThat(pollIds).containsExactlyElementsOf(socketIds);
            assertThat(pollTasks).containsExactlyElementsOf(socketTasks);
            assertThat(http.conversation(conversationId).path("message_count").asLong())
                    .isEqualTo(2L * n);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void longPollReturnsEarlyWhenAnEventIsCommitted() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            long started = System.nanoTime();
            Future<Http.Response> poll = pool.submit(() -> http.get("/api/events?after=0&wait_s=5"));
            Thread.sleep(200);
            String taskId =
                    http.send(conversationId, "wake the poll").path("task_id").asText();
            Http.Response answer = poll.get();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(answer.status()).isEqualTo(200);
            assertThat(took).isLessThan(Duration.ofSeconds(4));
            JsonNode events = answer.json().path("events");
            assertThat(events).hasSize(1);
            assertThat(events.get(0).path("data").path("task_id").asText()).isEqualTo(taskId);
            assertThat(answer.json().path("last_id").asLong()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void longPollWithNothingNewWaitsThenAnswersEmptyWithNewestId() {
        sendAndFinish(2);
        http.awaitEvents(2);
        long started = System.nanoTime();
        Http.Response answer = http.get("/api/events?after=2&wait_s=1");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("events")).isEmpty();
        assertThat(answer.json().path("last_id").asLong()).isEqualTo(2);
        assertThat(took).isGreaterThan(Duration.ofMillis(700)).isLessThan(Duration.ofSeconds(5));

        // Defaults: after=0, wait_s=0 answers at once with everything.
        JsonNode all = http.get("/api/events").json();
        assertThat(all.path("events")).hasSize(2);
        assertThat(all.path("last_id").asLong()).isEqualTo(2);
    }
}
