package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.JarServer;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.ResumingReader;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes (the jar, three processes) on one PostgreSQL database; one is killed with SIGKILL
 * while it runs tasks. Another node takes them over once their lease (2 s) runs out; the socket
 * clients of the dead node reconnect to another node with {@code since} and miss nothing; every
 * task ends exactly once.
 */
class MultiNodeKillIT {
    private static final int TASKS = 24;

    @TempDir
    Path work;

    private PgDatabase database;
    private final List<JarServer> nodes = new ArrayList<>();
    private final List<ResumingReader> readers = new ArrayList<>();

    @AfterEach
    void stop() {
        readers.forEach(ResumingReader::close);
        nodes.forEach(JarServer::close);
        if (database != null) {
            database.close();
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = database.connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aKilledNodesTasksAreFinishedElsewhereAndItsClientsResumeOnAnotherNode() throws Exception {
        long t0 = System.nanoTime();
        database = PgDatabase.create();
        // Started together: the schema migration and the local user are safe against concurrent nodes.
        List<CompletableFuture<JarServer>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "node" + i;
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return JarServer.start(
                            work,
                            work.resolve(name),
                            0,
                            name,
                            "--db",
                            database.url(),
                            "--lease-s",
                            "2",
                            "--demo-delay-ms",
                            "2500",
                            "--max-attempts",
                            "3");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (CompletableFuture<JarServer> f : starting) {
            nodes.add(f.join());
        }
        System.out.printf("%.1f s: nodes up%n", (System.nanoTime() - t0) / 1e9);
        JarServer a = nodes.get(0);
        List<URI> uris = nodes.stream()
                .map(n -> URI.create("http://127.0.0.1:" + n.port()))
                .toList();
        for (JarServer node : nodes) {
            assertThat(node.http().get("/api/health").json().path("store").asText())
                    .isEqualTo("postgres");
        }
        // Two clients on the node that will die, one on each other node.
        for (int start : new int[] {0, 0, 1, 2}) {
            ResumingReader reader = new ResumingReader(uris, start);
            reader.start();
            readers.add(reader);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> readers.stream().allMatch(r -> !r.connections.isEmpty()));

        String conversationId = a.http().createConversation().path("id").asText();
        Set<String> taskIds = new HashSet<>();
        for (int i = 0; i < TASKS; i++) {
            taskIds.add(nodes.get(i % 3)
                    .http()
                    .send(conversationId, "task " + i)
                    .path("task_id")
                    .asText());
        }
        // Each node runs 4 at a time: wait until all 12 slots are busy, so the dead node dies mid-task.
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status = 'running'") == 12);
        System.out.printf("%.1f s: killed%n", (System.nanoTime() - t0) / 1e9);
        a.kill9();
        long killedAt = System.nanoTime();

        List<JarServer> alive = nodes.subList(1, 3);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status IN ('completed', 'failed')") == TASKS);
        System.out.printf("%.1f s: all ended%n", (System.nanoTime() - t0) / 1e9);
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'"))
                .as("every task completed")
                .isEqualTo(TASKS);
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE attempts = 2"))
                .as("the dead node's 4 running tasks were run again elsewhere after their lease")
                .isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(30));

        // Exactly one terminal event per task: the log is 1..TASKS and names each task once.
        await().atMost(Duration.ofSeconds(10)).until(() -> readers.stream().allMatch(r -> r.since() >= TASKS));
        for (JarServer node : alive) {
            JsonNode log = node.http().events(0);
            List<Long> ids = new ArrayList<>();
            Map<String, Integer> perTask = new HashMap<>();
            log.path("events").forEach(e -> {
                ids.add(e.path("id").asLong());
                perTask.merge(e.path("data").path("task_id").asText(), 1, Integer::sum);
                assertThat(e.path("data").path("type").asText()).isEqualTo("task.completed");
            });
            assertThat(ids)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, TASKS).boxed().toList());
            assertThat(perTask.keySet()).isEqualTo(taskIds);
            assertThat(perTask.values()).allMatch(n -> n == 1);
        }
        System.out.printf("%.1f s: readers caught up%n", (System.nanoTime() - t0) / 1e9);
        Thread.sleep(500);
        for (ResumingReader reader : readers) {
            assertThat(reader.ids())
                    .as("each client saw 1..%d once, in order, across its reconnects", TASKS)
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, TASKS).boxed().toList());
            assertThat(reader.resets).isZero();
        }
        URI dead = uris.get(0);
        for (ResumingReader reader : readers.subList(0, 2)) {
            assertThat(reader.connections.get(0)).isEqualTo(dead);
            assertThat(reader.connections).as("the dead node's client moved on").hasSizeGreaterThan(1);
            assertThat(reader.connections.get(reader.connections.size() - 1)).isNotEqualTo(dead);
        }
    }
}
