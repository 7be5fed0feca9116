package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability: the shaded jar as a separate process, killed with SIGKILL while tasks are queued and
 * running, twice, and restarted on the same data dir. Every task must end exactly once and nothing
 * stored may be lost. Run by failsafe ({@code mvn verify}), which passes {@code lanechat.server.jar}.
 */
class CrashRecoveryIT {
    private static final Pattern LISTENING = Pattern.compile("Lanechat listening on (http://\\S+)");
    private static final Set<String> TERMINAL_EVENTS = Set.of("task.completed", "task.failed");

    @TempDir
    Path work;

    private final List<ServerProcess> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(p -> p.process.destroyForcibly());
    }

    /**
     * One {@code java -jar lanechat-server.jar serve}, its stdout and stderr in files (a pipe would not
     * do: {@code Process.destroy} closes it, losing what the shutdown hook prints).
     */
    private final class ServerProcess {
        final Process process;
        final Path stdout;
        final Path stderr;
        final Http http;

        ServerProcess(Path dataDir, int demoDelayMs, int run) throws Exception {
            String jar = System.getProperty("lanechat.server.jar");
            assertThat(jar)
                    .as("system property lanechat.server.jar (set by failsafe)")
                    .isNotBlank();
            assertThat(Path.of(jar)).exists();
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            stdout = work.resolve("server-" + run + ".out");
            stderr = work.resolve("server-" + run + ".err");
            ProcessBuilder builder = new ProcessBuilder(
                            java,
                            "-jar",
                            jar,
                            "serve",
                            "--port",
                            "0",
                            "--data-dir",
                            dataDir.toString(),
                            "--demo-delay-ms",
                            String.valueOf(demoDelayMs))
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().keySet().removeIf(name -> name.startsWith("LANECHAT_"));
            process = builder.start();
            started.add(this);
            String base = await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("the server exited: " + stderr, () -> !process.isAlive())
                    .until(
                            () -> {
                                Matcher m = LISTENING.matcher(Files.readString(stdout));
                                return m.find() ? m.group(1) : null;
                            },
                            url -> url != null);
            http = new Http(URI.create(base));
        }

        String output() throws IOException {
            return Files.readString(stdout);
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static Map<String, Long> statusCounts(Http http, List<String> taskIds) {
        Map<String, Long> counts = new HashMap<>();
        taskIds.forEach(id -> counts.merge(http.task(id).path("status").asText(), 1L, Long::sum));
        return counts;
    }

    @Test
    void killedMidTaskTwiceThenRestartedEveryTaskEndsExactlyOnce() throws Exception {
        Path dataDir = work.resolve("data");
        ServerProcess first = new ServerProcess(dataDir, 1500, 1);
        Http http = first.http;

        List<String> conversations = List.of(
                http.createConversation().path("id").asText(),
                http.createConversation().path("id").asText());
        Map<String, String> contentByTask = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            String content = "crash test message " + i;
            String[] key = i == 0 ? new String[] {"Idempotency-Key", "before-the-crash"} : new String[0];
            JsonNode accepted = http.send(conversations.get(i % 2), content, key);
            contentByTask.put(accepted.path("task_id").asText(), content);
        }
        List<String> taskIds = new ArrayList<>(contentByTask.keySet());
        JsonNode firstAnswer = http.task(taskIds.get(0));

        // Let a first batch finish and the next one start, then kill while others are running and queued.
        http.awaitEvents(1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> statusCounts(http, taskIds).getOrDefault("running", 0L) > 0);
        Map<String, Long> atKill = statusCounts(http, taskIds);
        assertThat(atKill.getOrDefault("queued", 0L))
                .as("queued at the first kill: " + atKill)
                .isPositive();
        first.kill9();

        // Second run: it must pick up what was running; kill it again mid-task.
        ServerProcess second = new ServerProcess(dataDir, 1500, 2);
        long completedBefore = second.http.events(0).path("last_id").asLong();
        second.http.awaitEvents(completedBefore + 1);
        second.kill9();

        // Third run, fast: everything must end.
        ServerProcess third = new ServerProcess(dataDir, 50, 3);
        Http after = third.http;
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<String, Long> counts = statusCounts(after, taskIds);
                    return counts.getOrDefault("queued", 0L) + counts.getOrDefault("running", 0L) == 0;
                });

        // Each task id in exactly one terminal event; ids gapless from 1.
        JsonNode log = after.events(0);
        List<Long> ids = new ArrayList<>();
        Map<String, Integer> endings = new HashMap<>();
        log.path("events").forEach(event -> {
            ids.add(event.path("id").asLong());
            JsonNode data = event.path("data");
            if (TERMINAL_EVENTS.contains(data.path("type").asText())) {
                endings.merge(data.path("task_id").asText(), 1, Integer::sum);
            }
        });
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("event ids " + ids).isEqualTo(i + 1L);
        }
        assertThat(log.path("last_id").asLong()).isEqualTo(ids.size());
        assertThat(endings.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
        assertThat(endings.values()).as("terminal events per task").containsOnly(1);

        // Every task ended: completed with its result, or failed with a reason.
        for (String taskId : taskIds) {
            JsonNode task = after.task(taskId);
            if (task.path("status").asText().equals("completed")) {
                assertThat(task.path("result").path("content").asText()).contains(contentByTask.get(taskId));
            } else {
                assertThat(task.path("status").asText()).isEqualTo("failed");
                assertThat(task.path("error").asText()).isNotBlank();
            }
        }

        // Conversations and messages survived, oldest first, with their answers filled.
        assertThat(after.get("/api/conversations").json()).hasSize(2);
        for (String conversationId : conversations) {
            JsonNode messages = after.conversation(conversationId).path("messages");
            assertThat(messages).hasSize(20);
            for (int i = 0; i < 20; i += 2) {
                JsonNode user = messages.get(i);
                JsonNode answer = messages.get(i + 1);
                assertThat(user.path("role").asText()).isEqualTo("user");
                assertThat(user.path("content").asText())
                        .isEqualTo(contentByTask.get(user.path("task_id").asText()));
                assertThat(answer.path("role").asText()).isEqualTo("assistant");
                assertThat(answer.path("task_id").asText())
                        .isEqualTo(user.path("task_id").asText());
                assertThat(answer.path("status").asText()).isIn("completed", "failed");
            }
        }

        // The idempotency key outlived the crashes.
        JsonNode retried =
                after.send(conversations.get(0), "crash test message 0", "Idempotency-Key", "before-the-crash");
        assertThat(retried.path("task_id").asText())
                .isEqualTo(firstAnswer.path("task_id").asText());
        assertThat(after.conversation(conversations.get(0)).path("messages")).hasSize(20);

        // And SIGTERM stops it cleanly.
        third.process.destroy();
        assertThat(third.process.waitFor(20, TimeUnit.SECONDS))
                .as("exits after SIGTERM")
                .isTrue();
        assertThat(third.output()).contains("Lanechat stopped");
    }
}
