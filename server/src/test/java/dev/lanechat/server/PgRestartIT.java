package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.PgCluster;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.ResumingReader;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted under load: three nodes keep taking messages while the database goes away
 * for a few seconds. They recover on their own (pool, LISTEN connection, lane runners, sockets),
 * and nothing is lost: every accepted message's task ends exactly once, completed, and every
 * client sees every event once, in order. The restart is of a throwaway cluster of this test
 * ({@link PgCluster}), never of the machine's shared PostgreSQL.
 */
class PgRestartIT {
    private static final int NODES = 3;

    @TempDir
    Path dataDir;

    private PgCluster cluster;
    private PgDatabase database;
    private final List<TestServer> nodes = new ArrayList<>();
    private final List<ResumingReader> readers = new ArrayList<>();
    /** Answers other than 202 or 503 that sends got while the store was away (there should be none). */
    private static final List<String> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        readers.forEach(ResumingReader::close);
        nodes.forEach(TestServer::close);
        if (cluster != null) {
            cluster.close(); // stops the throwaway server (and drops its databases with it)
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

    /** Sends until the node answers 202, with one Idempotency-Key across retries (as a client would). */
    private static String sendSurely(List<TestServer> nodes, int first, String conversationId, String content) {
        String key = "restart-" + content;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int attempt = 0; ; attempt++) {
            Http http = nodes.get((first + attempt) % nodes.size()).http();
            try {
                Http.Response r = http.post(
                        "/api/conversations/" + conversationId + "/messages",
                        Map.of("content", content),
                        "Idempotency-Key",
                        key);
                if (r.status() == 202) {
                    return r.json().path("task_id").asText();
                }
            } catch (AssertionError e) {
                // Http fails on any 5xx: while the store is away the answer must be 503 unavailable
                if (!String.valueOf(e.getMessage()).contains("answered 503")) {
                    unexpected.add(
                            String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
            } catch (RuntimeException e) {
                // the request timed out or the connection failed: retry
            }
            assertThat(System.nanoTime()).as("a send is accepted within 60 s").isLessThan(deadline);
            sleep(200);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void nodesRecoverOnTheirOwnAndNothingIsLost() throws Exception {
        cluster = PgCluster.start();
        database = cluster.newDatabase();
        for (int i = 0; i < NODES; i++) {
            nodes.add(TestServer.start(
                    dataDir.resolve("node" + i),
                    b -> b.db(database.jdbcUrl())
                            .demoDelay(Duration.ofMillis(200))
                            .demoConcurrency(4)
                            .lease(Duration.ofSeconds(3))
                            .maxAttempts(10)
                            .sendRate(100_000, 100_000)));
        }
        for (TestServer node : nodes) {
            ResumingReader reader = new ResumingReader(List.of(node.uri()), 0);
            reader.start();
            readers.add(reader);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> readers.stream().allMatch(r -> !r.connections.isEmpty()));
        String conversationId =
                nodes.get(0).http().createConversation().path("id").asText();

        // Load: 4 clients, each sending a message every 100 ms for 9 s, on all nodes in turn.
        ExecutorService senders = Executors.newFixedThreadPool(4);
        Set<String> taskIds = ConcurrentHashMap.newKeySet();
        AtomicInteger sent = new AtomicInteger();
        long loadUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(9);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.add(senders.submit(() -> {
                for (int i = 0; System.nanoTime() < loadUntil; i++) {
                    taskIds.add(sendSurely(nodes, client + i, conversationId, "client " + client + " message " + i));
                    sent.incrementAndGet();
                    sleep(100);
                }
                return null;
            }));
        }
        sleep(2500);
        int beforeOutage = sent.get();
        cluster.stopServer();
        sleep(3000);
        cluster.startServer();
        for (Future<?> f : clients) {
            f.get(120, TimeUnit.SECONDS);
        }
        senders.shutdown();
        assertThat(unexpected)
                .as("sends during the outage answer 503 unavailable, not 500")
                .isEmpty();
        assertThat(beforeOutage).as("load ran before the outage").isPositive();
        assertThat(sent.get()).as("and after it").isGreaterThan(beforeOutage + 10);
        int tasks = taskIds.size();
        assertThat(tasks)
                .as("one task per message (retries with the same key created nothing)")
                .isEqualTo(sent.get());

        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> count("SELECT COUNT(*) FROM tasks WHERE status NOT IN ('completed', 'failed')") == 0);
        assertThat(count("SELECT COUNT(*) FROM tasks")).isEqualTo(tasks);
        assertThat(count("SELECT COUNT(*) FROM tasks WHERE status = 'completed'"))
                .as("every task completed")
                .isEqualTo(tasks);

        for (TestServer node : nodes) {
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> node.http()
                            .get("/api/health")
                            .json()
                            .path("status")
                            .asText()
                            .equals("ok"));
        }
        // The log: ids 1..tasks, one terminal event per task.
        List<Long> ids = new ArrayList<>();
        Map<String, Integer> perTask = new HashMap<>();
        for (long after = 0; after < tasks; ) {
            JsonNode page = nodes.get(1).http().events(after);
            for (JsonNode e : page.path("events")) {
                ids.add(e.path("id").asLong());
                perTask.merge(e.path("data").path("task_id").asText(), 1, Integer::sum);
            }
            assertThat(page.path("last_id").asLong()).isGreaterThan(after);
            after = page.path("last_id").asLong();
        }
        assertThat(ids)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, tasks).boxed().toList());
        assertThat(perTask.keySet()).isEqualTo(taskIds);
        assertThat(perTask.values()).allMatch(n -> n == 1);

        // Every client, on every node, saw every event once and in order, reconnecting as needed.
        await().atMost(Duration.ofSeconds(20)).until(() -> readers.stream().allMatch(r -> r.since() >= tasks));
        sleep(300);
        for (ResumingReader reader : readers) {
            assertThat(reader.ids())
                    .containsExactlyElementsOf(
                            LongStream.rangeClosed(1, tasks).boxed().toList());
            assertThat(reader.resets).isZero();
        }
        System.out.printf(
                "%d tasks, %d sent before the outage; reconnects per client: %s%n",
                tasks,
                beforeOutage,
                readers.stream().map(r -> r.connections.size() - 1).toList());
    }
}
