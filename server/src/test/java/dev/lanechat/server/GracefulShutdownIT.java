package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.JarServer;
import dev.lanechat.server.support.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM of the jar while tasks run: every socket gets the {@code shutting_down} error event and
 * close 1001 at once, the server stops within its grace period, and the tasks it was running (and
 * the queued one) end exactly once after a restart.
 */
class GracefulShutdownIT {
    private static final int TASKS = 5; // the demo lane runs 4 at once: 4 running, 1 queued
    private static final int OTHER_SOCKETS = 29; // 30 in all, within the 32 a user may hold

    @TempDir
    Path work;

    private final List<JarServer> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(JarServer::close);
    }

    @Test
    void sigtermClosesSocketsWith1001AndRunningTasksEndExactlyOnceAfterRestart() throws Exception {
        Path dataDir = work.resolve("data");
        // Tasks that outlast the shutdown grace (5 s), so they are running when it ends.
        JarServer first = JarServer.start(work, dataDir, 0, "first", "--demo-delay-ms", "8000");
        started.add(first);
        Http http = first.http();
        Socket socket = first.socket().subscribe();
        assertThat(socket.ready()).isZero();
        List<Socket> others = new ArrayList<>();
        for (int i = 0; i < OTHER_SOCKETS; i++) {
            others.add(first.socket().subscribe());
            assertThat(others.get(i).ready()).isZero();
        }

        String conversation = http.createConversation().path("id").asText();
        List<String> taskIds = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            taskIds.add(http.send(conversation, "slow " + i).path("task_id").asText());
        }
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> taskIds.stream()
                                .filter(id ->
                                        http.task(id).path("status").asText().equals("running"))
                                .count()
                        == 4);

        long sigterm = System.nanoTime();
        Thread terminator = new Thread(() -> {
            try {
                first.terminate(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        terminator.start();
        JsonNode error = socket.nextNonPing();
        assertThat(error.path("event").asText()).as(error.toString()).isEqualTo("error");
        assertThat(error.path("data").path("code").asText()).isEqualTo("shutting_down");
        assertThat(socket.closeCode()).isEqualTo(1001);
        long closedMs = (System.nanoTime() - sigterm) / 1_000_000;
        // Asked to come back spread out, from 1 s at 2,000 sockets a second (ReconnectSpread), so
        // that the clients of a big server do not all reconnect in the same moment.
        List<Long> retryAfter = new ArrayList<>(List.of(retryAfterMs(error)));
        for (Socket other : others) {
            retryAfter.add(retryAfterMs(other.nextNonPing()));
            other.close();
        }
        List<Long> spread = new ArrayList<>();
        for (int i = 0; i <= OTHER_SOCKETS; i++) {
            spread.add(1000L + i / 2);
        }
        assertThat(retryAfter)
                .as("retry_after_ms of the %d sockets", retryAfter.size())
                .containsExactlyInAnyOrderElementsOf(spread);
        // Closed to new connections first: a client told 1001 that reconnects at once is refused (and
        // retries with its backoff) instead of being taken in by a server on its way out.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", first.port()).close())
                .isInstanceOf(java.net.ConnectException.class);
        assertThat(first.isAlive())
                .as("refused while still in its grace period")
                .isTrue();
        terminator.join(35_000);
        assertThat(first.isAlive()).isFalse();
        long exitedMs = (System.nanoTime() - sigterm) / 1_000_000;
        try {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> first.stdout().stream().anyMatch(line -> line.contains("Lanechat stopped")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "no 'Lanechat stopped' after SIGTERM (exit " + first.exitValue() + "); stdout: "
                            + first.stdout() + "\nstderr: "
                            + first.stderr(),
                    e);
        }
        assertThat(closedMs)
                .as("the socket is closed at once, not after the grace")
                .isLessThan(3_000);
        // The 4 running tasks outlasted the grace: each was handed back to the queue before the store closed.
        assertThat(first.stderr()
                        .lines()
                        .filter(l -> l.contains("stopped by shutdown; back on the queue"))
                        .count())
                .as(first.stderr())
                .isEqualTo(4);

        // Restart, fast: the tasks that were running and the queued one all end, once each.
        JarServer second = JarServer.start(work, dataDir, first.port(), "second", "--demo-delay-ms", "50");
        started.add(second);
        Socket resumed = second.socket().subscribe(0);
        Map<String, Integer> perTask = new HashMap<>();
        List<Long> ids = new ArrayList<>();
        boolean ready = false;
        while (ids.size() < TASKS || !ready) {
            JsonNode frame = resumed.nextNonPing();
            ready |= frame.path("event").asText().equals("ready");
            if (frame.path("event").asText().equals("update")) {
                ids.add(frame.path("id").asLong());
                perTask.merge(frame.path("data").path("task_id").asText(), 1, Integer::sum);
                assertThat(frame.path("data").path("type").asText()).isEqualTo("task.completed");
            }
        }
        resumed.assertQuiet(Duration.ofMillis(500));
        assertThat(ids).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(perTask.keySet()).containsExactlyInAnyOrderElementsOf(taskIds);
        assertThat(perTask.values()).containsOnly(1);
        JsonNode log = second.http().events(0);
        assertThat(log.path("events")).hasSize(TASKS);
        for (String id : taskIds) {
            JsonNode task = second.http().task(id);
            assertThat(task.path("status").asText()).isEqualTo("completed");
        }
        System.out.printf(
                "GracefulShutdownIT: socket closed 1001 %d ms after SIGTERM, process exited after %d ms; "
                        + "%d tasks (4 running, 1 queued) each completed once after the restart%n",
                closedMs, exitedMs, TASKS);
        second.terminate(20);
    }

    private static long retryAfterMs(JsonNode error) {
        assertThat(error.path("data").path("code").asText())
                .as(error.toString())
                .isEqualTo("shutting_down");
        return error.path("data").path("retry_after_ms").asLong();
    }
}
