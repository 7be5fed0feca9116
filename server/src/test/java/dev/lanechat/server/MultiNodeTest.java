package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three in-process nodes (three ports) on one fresh PostgreSQL database, whatever the suite's store:
 * work is claimed by any node, events reach sockets and long-polls of every node, and per-user
 * event ids stay gapless and in commit order when all three commit events of one user at once.
 */
class MultiNodeTest {
    private static final int NODES = 3;

    @TempDir
    Path dataDir;

    PgDatabase database;
    List<TestServer> nodes = new ArrayList<>();

    @BeforeEach
    void start() {
        database = PgDatabase.create();
    }

    private void startNodes(Duration demoDelay, int concurrency) {
        for (int i = 0; i < NODES; i++) {
            // Each node with db set takes no data-dir lock; they share nothing but the database.
            nodes.add(TestServer.start(
                    dataDir.resolve("node" + i),
                    b -> b.db(database.jdbcUrl())
                            .demoDelay(demoDelay)
                            .demoConcurrency(concurrency)
                            .sendRate(100_000, 100_000)));
        }
    }

    @AfterEach
    void stop() {
        try {
            nodes.forEach(TestServer::close);
        } finally {
            database.close();
        }
    }

    @Test
    void submitOnAPushOnBLongPollOnC() throws Exception {
        startNodes(Duration.ofMillis(200), 2);
        TestServer a = nodes.get(0);
        TestServer b = nodes.get(1);
        TestServer c = nodes.get(2);
        Set<String> nodeIds = new HashSet<>();
        for (TestServer node : nodes) {
            JsonNode health = node.http().get("/api/health").json();
            assertThat(health.path("status").asText()).isEqualTo("ok");
            assertThat(health.path("store").asText()).isEqualTo("postgres");
            nodeIds.add(health.path("node_id").asText());
        }
        assertThat(nodeIds).as("each node names itself").hasSize(NODES);

        Socket onB = b.socket().subscribe();
        assertThat(onB.ready()).isZero();
        CompletableFuture<JsonNode> longPollOnC = CompletableFuture.supplyAsync(
                () -> c.http().get("/api/events?after=0&wait_s=20").json());
        Thread.sleep(300); // the long-poll is waiting on C before anything is committed

        String conversationId = a.http().createConversation().path("id").asText();
        JsonNode accepted = a.http().send(conversationId, "hello from node A");
        String taskId = accepted.path("task_id").asText();

        JsonNode pushed = onB.update();
        assertThat(pushed.path("id").asLong()).isEqualTo(1);
        assertThat(pushed.path("data").path("type").asText()).isEqualTo("task.completed");
        assertThat(pushed.path("data").path("task_id").asText()).isEqualTo(taskId);
        assertThat(pushed.path("data").path("result").path("content").asText()).contains("hello from node A");

        JsonNode polled = longPollOnC.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(polled.path("events")).hasSize(1);
        assertThat(polled.path("events").get(0)).isEqualTo(pushed);
        assertThat(polled.path("last_id").asLong()).isEqualTo(1);

        // Every node answers for the same state.
        for (TestServer node : nodes) {
            assertThat(node.http().task(taskId).path("status").asText()).isEqualTo("completed");
            assertThat(node.http()
                            .conversation(conversationId)
                            .path("message_count")
                            .asLong())
                    .isEqualTo(2);
        }
    }

    @Test
    void parallelCompletionsOnThreeNodesGiveGaplessIdsInCommitOrder() throws Exception {
        int tasks = 90;
        startNodes(Duration.ofMillis(100), 6);
        List<Socket> sockets = new ArrayList<>();
        for (TestServer node : nodes) {
            Socket socket = node.socket().subscribe(0);
            assertThat(socket.ready()).isZero();
            sockets.add(socket);
        }
        String conversationId =
                nodes.get(0).http().createConversation().path("id").asText();

        // A reader racing the commits: every answer must continue its cursor without a hole. Were
        // ids handed out in another order than commits, it would once see N+1 before N and skip N.
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicReference<String> readerError = new AtomicReference<>();
        AtomicLong readerCursor = new AtomicLong();
        Thread reader = new Thread(
                () -> {
                    Http http = nodes.get(2).http();
                    while (reading.get() && readerError.get() == null) {
                        JsonNode answer = http.events(readerCursor.get());
                        for (JsonNode event : answer.path("events")) {
                            long id = event.path("id").asLong();
                            if (id != readerCursor.get() + 1) {
                                readerError.set("after " + readerCursor.get() + " the log showed " + id);
                                return;
                            }
                            readerCursor.set(id);
                        }
                    }
                },
                "racing-reader");
        reader.start();

        ExecutorService senders = Executors.newFixedThreadPool(9);
        List<Future<String>> sent = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            Http http = nodes.get(i % NODES).http();
            int n = i;
            sent.add(senders.submit(() ->
                    http.send(conversationId, "parallel " + n).path("task_id").asText()));
        }
        Set<String> taskIds = new HashSet<>();
        for (Future<String> f : sent) {
            taskIds.add(f.get());
        }
        senders.shutdown();

        for (Socket socket : sockets) {
            Set<String> completed = new HashSet<>();
            for (long expected = 1; expected <= tasks; expected++) {
                JsonNode frame = socket.update();
                assertThat(frame.path("id").asLong())
                        .as("the socket's events arrive 1, 2, 3 … in order")
                        .isEqualTo(expected);
                assertThat(frame.path("data").path("type").asText()).isEqualTo("task.completed");
                completed.add(frame.path("data").path("task_id").asText());
            }
            assertThat(completed).as("each task announced once").isEqualTo(taskIds);
            socket.assertQuiet(Duration.ofMillis(300));
        }
        reading.set(false);
        reader.join(10_000);
        assertThat(readerError.get()).isNull();

        List<Long> logged = new ArrayList<>();
        JsonNode page = nodes.get(1).http().events(0);
        page.path("events").forEach(e -> logged.add(e.path("id").asLong()));
        assertThat(logged)
                .containsExactlyElementsOf(
                        LongStream.rangeClosed(1, tasks).boxed().toList());

        try (Connection connection = database.connect();
                Statement st = connection.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CASE WHEN attempts = 1 AND status = 'completed' "
                    + "THEN 1 ELSE 0 END), (SELECT last_event_id FROM users LIMIT 1) FROM tasks");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(tasks);
            assertThat(rs.getLong(2))
                    .as("every task claimed once (SKIP LOCKED) and completed")
                    .isEqualTo(tasks);
            assertThat(rs.getLong(3)).isEqualTo(tasks);
        }
    }

    /**
     * A notification that never arrives (as while a node's LISTEN connection is down): the periodic
     * catch-up still brings the event to sockets and to waiting long-polls within about a second.
     */
    @Test
    void anEventWithoutNotificationStillArrivesWithinAboutASecond() throws Exception {
        startNodes(Duration.ofMillis(50), 1);
        TestServer node = nodes.get(0);
        String conversationId = node.http().createConversation().path("id").asText();
        node.http()
                .awaitTaskEnd(node.http()
                        .send(conversationId, "first")
                        .path("task_id")
                        .asText());
        node.http().awaitEvents(1);
        Socket socket = node.socket().subscribe(1);
        assertThat(socket.ready()).isEqualTo(1);
        CompletableFuture<JsonNode> longPoll = CompletableFuture.supplyAsync(
                () -> node.http().get("/api/events?after=1&wait_s=25").json());
        Thread.sleep(500);

        // What another node's commit looks like, minus its NOTIFY.
        long started = System.nanoTime();
        try (Connection connection = database.connect();
                Statement st = connection.createStatement()) {
            connection.setAutoCommit(false);
            ResultSet rs =
                    st.executeQuery("UPDATE users SET last_event_id = last_event_id + 1 RETURNING id, last_event_id");
            rs.next();
            String userId = rs.getString(1);
            long id = rs.getLong(2);
            st.executeUpdate("INSERT INTO events (user_id, id, type, data, created_at) VALUES ('" + userId + "', " + id
                    + ", 'task.queued', '{\"type\":\"task.queued\"}', '2030-01-01T00:00:00.000Z')");
            connection.commit();
        }
        JsonNode frame = socket.update();
        assertThat(frame.path("id").asLong()).isEqualTo(2);
        JsonNode polled = longPoll.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(polled.path("events")).hasSize(1);
        assertThat(polled.path("last_id").asLong()).isEqualTo(2);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
}
