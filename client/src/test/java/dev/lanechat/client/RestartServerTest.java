// Against the real server: kill -9 it while ten sends are pending, restart it on the same port
// and data dir, and every future completes exactly once with its own answer.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RestartServerTest {
    @Test
    void everyPendingSendCompletesExactlyOnceAcrossAKillAndRestart() throws Exception {
        try (ServerProcess server = new ServerProcess("--demo-delay-ms", "4000").start(ServerProcess.freePort())) {
            LanechatClient api = LanechatClient.builder().url(server.url()).build();
            Recorder rec = new Recorder();
            try (LanechatStream stream = LanechatStream.builder(api)
                    .listener(rec)
                    .pollInterval(Duration.ofMillis(500))
                    .build()) {
                stream.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> stream.status() == ConnectionStatus.FULL);
                String conversation = api.createConversation("restart").id();

                List<CompletableFuture<TaskOutcome>> futures = new ArrayList<>();
                Map<Integer, AtomicInteger> completions = new ConcurrentHashMap<>();
                for (int i = 0; i < 10; i++) {
                    int n = i;
                    completions.put(n, new AtomicInteger());
                    CompletableFuture<TaskOutcome> f = stream.send(conversation, "pending message " + n);
                    // Counts every completion callback the future ever runs (a second one would be a bug).
                    var unused = f.whenComplete((o, e) -> completions.get(n).incrementAndGet());
                    futures.add(f);
                }
                // All ten accepted (stored durably) before the kill: 10 user + 10 assistant messages.
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> api.conversation(conversation).messageCount() == 20);
                // Each answer takes 4 s: none has arrived when the server dies.
                assertThat(futures).filteredOn(CompletableFuture::isDone).isEmpty();
                server.kill();
                await().atMost(Duration.ofSeconds(20)).until(() -> stream.status() == ConnectionStatus.DISCONNECTED);
                Thread.sleep(1_000); // down for a while: the client retries and polls into nothing
                server.restart();

                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get(120, java.util.concurrent.TimeUnit.SECONDS);
                for (int i = 0; i < 10; i++) {
                    TaskOutcome o = futures.get(i).join();
                    assertThat(o.completed()).as("task %d: %s", i, o).isTrue();
                    assertThat(o.result().content()).contains("pending message " + i);
                }
                // Give replays, polls and pushes time to deliver duplicates; none may count.
                await().atMost(Duration.ofSeconds(20)).until(() -> stream.status() == ConnectionStatus.FULL);
                Thread.sleep(2_000);
                assertThat(completions.values())
                        .allSatisfy(c -> assertThat(c.get()).isEqualTo(1));
                assertThat(rec.outcomes).hasSize(10);
                Map<String, Long> perTask = rec.outcomes.stream()
                        .collect(Collectors.groupingBy(TaskOutcome::taskId, Collectors.counting()));
                assertThat(perTask)
                        .hasSize(10)
                        .allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
                assertThat(futures.stream()
                                .map(CompletableFuture::join)
                                .map(TaskOutcome::taskId)
                                .distinct())
                        .hasSize(10);
                assertThat(rec.statuses).contains(ConnectionStatus.DISCONNECTED);
                System.out.println("restart test deliveries: "
                        + rec.outcomes.stream()
                                .collect(Collectors.groupingBy(TaskOutcome::delivery, Collectors.counting())));
            }
        }
    }

    /**
     * The same kill and restart, but the socket stays unreachable (through a cut relay) until every
     * result has arrived by polling; when it comes back, the replay of those ten results must
     * change nothing.
     */
    @Test
    void resultsPolledAfterARestartAreNotDeliveredAgainByTheReplay() throws Exception {
        try (ServerProcess server = new ServerProcess("--demo-delay-ms", "2000").start(ServerProcess.freePort());
                TcpProxy proxy = new TcpProxy(server.port())) {
            LanechatClient api = LanechatClient.builder().url(server.url()).build();
            Recorder rec = new Recorder();
            try (LanechatStream stream = LanechatStream.builder(api)
                    .webSocketUrl(java.net.URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                    .listener(rec)
                    .pollInterval(Duration.ofMillis(500))
                    .build()) {
                stream.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> stream.status() == ConnectionStatus.FULL);
                String conversation = api.createConversation("restart and poll").id();
                List<CompletableFuture<TaskOutcome>> futures = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    futures.add(stream.send(conversation, "polled message " + i));
                }
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> api.conversation(conversation).messageCount() == 20);
                long seenBeforeKill = stream.lastEventId();

                proxy.cut();
                server.kill();
                server.restart();
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get(120, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(stream.status()).isEqualTo(ConnectionStatus.PARTIAL);
                assertThat(rec.outcomes).hasSize(10).allSatisfy(o -> {
                    assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.POLL);
                    assertThat(o.completed()).isTrue();
                });

                proxy.restore();
                await().atMost(Duration.ofSeconds(45)).until(() -> stream.status() == ConnectionStatus.FULL);
                // The replay after since=seenBeforeKill carried the ten completions again: dropped.
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> rec.events.stream()
                                        .filter(e -> "task.completed".equals(e.type()))
                                        .count()
                                >= 10);
                assertThat(stream.lastEventId()).isGreaterThan(seenBeforeKill);
                assertThat(rec.outcomes).hasSize(10);
                for (int i = 0; i < 10; i++) {
                    assertThat(futures.get(i).join().result().content()).contains("polled message " + i);
                }
            }
        }
    }

    @Test
    void aSendWhileTheServerIsDownIsRetriedWithinTheWindowAndCreatesOneTask() throws Exception {
        try (ServerProcess server = new ServerProcess().start(ServerProcess.freePort())) {
            LanechatClient api = LanechatClient.builder().url(server.url()).build();
            try (LanechatStream stream = LanechatStream.builder(api)
                    .sendRetryWindow(Duration.ofSeconds(60))
                    .build()) {
                stream.start();
                String conversation = api.createConversation(null).id();
                server.kill();
                CompletableFuture<TaskOutcome> f = stream.send(conversation, "sent into the outage");
                Thread.sleep(2_500); // at least two refused attempts
                assertThat(f).isNotDone();
                server.restart();
                TaskOutcome o = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(o.result().content()).contains("sent into the outage");
                assertThat(api.conversation(conversation).messageCount()).isEqualTo(2);
            }
            // Without a window the same send fails at once with the connection error.
            try (LanechatStream stream = LanechatStream.builder(api).build()) {
                stream.start();
                server.kill();
                CompletableFuture<TaskOutcome> f = stream.send("any", "nobody home");
                await().atMost(Duration.ofSeconds(10)).until(f::isDone);
                assertThat(f).isCompletedExceptionally();
                assertThat(org.assertj.core.api.Assertions.catchThrowable(f::join))
                        .hasCauseInstanceOf(LanechatConnectionException.class);
            }
        }
    }
}
