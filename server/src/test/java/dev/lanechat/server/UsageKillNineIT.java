package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.JarServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: usage is counted in the transaction that completes a task, so {@code kill -9} of the
 * server (the jar, a separate process) mid-way through 300 tasks neither loses nor doubles a
 * count: after a restart on the same data dir, the usage is exactly one message (and its demo
 * "tokens") per completed task.
 */
class UsageKillNineIT {
    private static final int TASKS = 300;
    private static final int SENDERS = 6;

    @TempDir
    Path work;

    private final List<JarServer> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(JarServer::close);
    }

    @Test
    void killNineMidWayThenRestartUsageIsExactlyOneMessagePerCompletedTask() throws Exception {
        Path dataDir = work.resolve("data");
        long t0 = System.nanoTime();
        // 300 ms a task, 4 at once: about 13 answers a second, so the sends (6 threads) outrun them.
        JarServer first = JarServer.start(
                work,
                dataDir,
                0,
                "first",
                "--demo-delay-ms",
                "300",
                "--send-burst",
                "5000",
                "--send-per-minute",
                "100000");
        started.add(first);
        Http http = first.http();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> sent = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            sent.add(senders.submit(() -> {
                String conversation = http.createConversation().path("id").asText();
                for (int i = 0; i < TASKS / SENDERS; i++) {
                    http.send(conversation, "message " + i); // two words each
                }
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
        senders.shutdown();
        long atKill = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> messages(http.get("/api/usage").json()), n -> n >= 10);
        first.kill9();
        assertThat(atKill).as("usage when killed").isLessThan(TASKS);

        JarServer second = JarServer.start(work, dataDir, first.port(), "second", "--demo-delay-ms", "5");
        started.add(second);
        Http after = second.http();
        Map<String, Integer> outcomes = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> outcomes(after),
                        o -> o.values().stream().mapToInt(Integer::intValue).sum() >= TASKS);
        int completed = outcomes.getOrDefault("task.completed", 0);
        assertThat(completed).as(outcomes.toString()).isEqualTo(TASKS);

        JsonNode usage = after.get("/api/usage").json();
        assertThat(messages(usage)).as(usage.toString()).isEqualTo(completed);
        long prompt = 0;
        long completion = 0;
        for (JsonNode day : usage.path("days")) {
            prompt += day.path("prompt_tokens").asLong();
            completion += day.path("completion_tokens").asLong();
        }
        // 'message N' is 2 words; its answer 'You said: "message N" (2 words).' is 6.
        assertThat(prompt).isEqualTo(2L * TASKS);
        assertThat(completion).isEqualTo(6L * TASKS);
        System.out.printf(
                "UsageKillNineIT: killed with %d of %d messages counted; after the restart %d counted for"
                        + " %d completed tasks; whole test %d ms%n",
                atKill, TASKS, messages(usage), completed, (System.nanoTime() - t0) / 1_000_000);
        second.terminate(20);
    }

    /** The messages of every day the usage shows (a run across midnight has two). */
    private static long messages(JsonNode usage) {
        long n = 0;
        for (JsonNode day : usage.path("days")) {
            n += day.path("messages").asLong();
        }
        return n;
    }

    /** How the tasks ended so far, from the durable event log: type → count. */
    private static Map<String, Integer> outcomes(Http http) {
        Map<String, Integer> outcomes = new HashMap<>();
        long cursor = 0;
        while (true) {
            JsonNode page = http.events(cursor);
            if (page.path("events").isEmpty()) {
                return outcomes;
            }
            page.path("events")
                    .forEach(e -> outcomes.merge(e.path("data").path("type").asText(), 1, Integer::sum));
            cursor = page.path("last_id").asLong();
        }
    }
}
