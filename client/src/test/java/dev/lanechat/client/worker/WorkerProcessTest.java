// End to end: the REAL server jar as one process, the reference worker (`lanechat worker`) as
// another, talking only the worker API of protocol.md over HTTP.
package dev.lanechat.client.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.client.ServerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerProcessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LANES = """
      lanes:
        - name: demo
          processor: demo
          default: true
        - name: ext
          processor: worker
          description: Upper-cases your message (the reference worker)
        - name: slow
          processor: worker
      """;

    @TempDir
    Path dir;

    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private String token;

    @AfterEach
    void stopAll() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    private ServerProcess server(String... extra) throws IOException {
        Path lanes = dir.resolve("lanes.yaml");
        Files.writeString(lanes, LANES);
        List<String> args = new ArrayList<>(List.of("--lanes", lanes.toString(), "--lease-s", "3"));
        args.addAll(List.of(extra));
        ServerProcess server = new ServerProcess(args.toArray(String[]::new));
        running.add(server);
        return server;
    }

    @Test
    void aWorkerProcessAnswersTasksOfItsLaneWithFilesAndCost() throws Exception {
        ServerProcess server = server().start(0);
        Worker worker = worker(server, null, "--lane", "ext", "--delay-ms", "100", "--cost-usd", "0.01");
        worker.awaitLine("serving lane 'ext'");

        String conversation =
                post(server, "/api/conversations", Map.of()).path("id").asText();
        JsonNode sent = post(
                server,
                "/api/conversations/" + conversation + "/messages",
                Map.of("content", "hello worker, send a file", "lane", "ext"));
        JsonNode task = awaitEnd(server, sent.path("task_id").asText());
        assertThat(task.path("status").asText()).isEqualTo("completed");
        JsonNode result = task.path("result");
        assertThat(result.path("content").asText()).isEqualTo("HELLO WORKER, SEND A FILE");
        assertThat(result.path("model").asText()).isEqualTo("reference-worker");
        assertThat(result.path("cost_usd").asDouble()).isEqualTo(0.01);
        JsonNode file = result.path("files").path(0);
        assertThat(file.path("name").asText()).isEqualTo("answer.txt");
        assertThat(get(server, file.path("url").asText()).body()).isEqualTo("HELLO WORKER, SEND A FILE\n");

        JsonNode second = post(
                server, "/api/conversations/" + conversation + "/messages", Map.of("content", "again", "lane", "ext"));
        assertThat(awaitEnd(server, second.path("task_id").asText())
                        .path("result")
                        .path("content")
                        .asText())
                .isEqualTo("AGAIN");
        worker.awaitLine("claimed (2 earlier messages)");
        JsonNode listed =
                JSON.readTree(get(server, "/api/conversations").body()).path(0);
        assertThat(listed.path("total_cost_usd").asDouble()).isEqualTo(0.02);
    }

    @Test
    void aCancelledRunningTaskEndsWithinASecondAndTheWorkersNextHeartbeatGets409() throws Exception {
        ServerProcess server = server().start(0);
        Worker worker = worker(server, null, "--lane", "slow", "--delay-ms", "60000");
        worker.awaitLine("serving lane 'slow'");
        String conversation =
                post(server, "/api/conversations", Map.of()).path("id").asText();
        String taskId = post(
                        server,
                        "/api/conversations/" + conversation + "/messages",
                        Map.of("content", "take your time", "lane", "slow"))
                .path("task_id")
                .asText();
        worker.awaitLine("task " + taskId + ": claimed");
        assertThat(task(server, taskId).path("status").asText()).isEqualTo("running");

        long t0 = System.nanoTime();
        JsonNode cancelled = post(server, "/api/tasks/" + taskId + "/cancel", Map.of());
        assertThat(cancelled.path("status").asText()).isEqualTo("failed");
        assertThat(cancelled.path("error").asText()).isEqualTo("cancelled");
        assertThat(task(server, taskId).path("status").asText()).isEqualTo("failed");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
        // Heartbeats come every lease/3 = 1 s.
        worker.awaitLine("task " + taskId + ": lease lost on heartbeat (409");
        assertThat(worker.output()).doesNotContain("task " + taskId + ": completed");
        // The worker goes on serving the lane.
        assertThat(worker.process.isAlive()).isTrue();
    }

    @Test
    void inTokenModeTheWorkerNeedsAWorkerToken() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        ServerProcess server = server("--auth", "token", "--data-dir", data.toString());
        String user =
                users(data, "add", "ada").strip().lines().reduce((a, b) -> b).orElseThrow();
        String robot = users(data, "add", "robot", "--worker")
                .strip()
                .lines()
                .reduce((a, b) -> b)
                .orElseThrow();
        server.start(0);

        Worker refused = worker(server, user, "--lane", "ext");
        assertThat(refused.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(refused.process.exitValue()).isEqualTo(2);
        assertThat(refused.output()).contains("worker token");

        worker(server, robot, "--lane", "ext", "--mode", "reverse").awaitLine("serving lane 'ext'");
        token = user;
        String conversation =
                post(server, "/api/conversations", Map.of()).path("id").asText();
        String taskId = post(
                        server,
                        "/api/conversations/" + conversation + "/messages",
                        Map.of("content", "abc", "lane", "ext"))
                .path("task_id")
                .asText();
        assertThat(awaitEnd(server, taskId).path("result").path("content").asText())
                .isEqualTo("cba");
    }

    // --- harness ---

    /** The reference worker as a separate JVM, on this module's classes (what lanechat-client.jar holds). */
    private Worker worker(ServerProcess server, String workerToken, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add("dev.lanechat.client.cli.Main");
        cmd.add("worker");
        cmd.add("--url");
        cmd.add(server.url());
        if (workerToken != null) {
            cmd.add("--token");
            cmd.add(workerToken);
        }
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("LANECHAT_WORKER_TOKEN");
        pb.environment().remove("LANECHAT_URL");
        Worker w = new Worker(pb.start());
        running.add(w);
        return w;
    }

    private static final class Worker implements AutoCloseable {
        final Process process;
        private final StringBuffer log = new StringBuffer();

        Worker(Process process) {
            this.process = process;
            Thread reader = new Thread(
                    () -> {
                        try (BufferedReader r = new BufferedReader(
                                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                            String line;
                            while ((line = r.readLine()) != null) {
                                log.append(line).append('\n');
                            }
                        } catch (IOException ended) {
                            // killed
                        }
                    },
                    "worker-log");
            reader.setDaemon(true);
            reader.start();
        }

        String output() {
            return log.toString();
        }

        void awaitLine(String part) {
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .alias("worker output containing '" + part + "':\n" + log)
                    .until(() -> log.toString().contains(part));
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static String users(Path data, String... args) throws Exception {
        Path jar = Paths.get(System.getProperty("lanechat.server.jar", "../server/target/lanechat-server.jar"))
                .toAbsolutePath();
        List<String> cmd = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(), "users"));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data-dir", data.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(ServerProcess server, String path) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path)).GET());
    }

    private JsonNode post(ServerProcess server, String path, Object body) throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        assertThat(r.statusCode()).as(path + ": " + r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private JsonNode task(ServerProcess server, String taskId) throws IOException {
        return JSON.readTree(get(server, "/api/tasks/" + taskId).body());
    }

    private JsonNode awaitEnd(ServerProcess server, String taskId) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> task(server, taskId),
                        t -> t.path("status").asText().matches("completed|failed"));
    }
}
