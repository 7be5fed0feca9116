// Against the real server: the socket is cut (through a TCP relay) while HTTP stays direct →
// status PARTIAL, results arrive by polling; the socket back → FULL and pushes again.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PartialServerTest {
    @Test
    void socketDownApiUpIsPartialAndResultsArriveByPolling() throws Exception {
        try (ServerProcess server = new ServerProcess("--demo-delay-ms", "500").start(0);
                TcpProxy proxy = new TcpProxy(server.port())) {
            LanechatClient api = LanechatClient.builder().url(server.url()).build();
            Recorder rec = new Recorder();
            try (LanechatStream stream = LanechatStream.builder(api)
                    .webSocketUrl(URI.create("ws://127.0.0.1:" + proxy.port() + "/ws"))
                    .pollInterval(Duration.ofMillis(300))
                    .listener(rec)
                    .build()) {
                stream.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> stream.status() == ConnectionStatus.FULL);
                String conversation = api.createConversation("partial").id();

                proxy.cut();
                await().atMost(Duration.ofSeconds(10)).until(() -> stream.status() == ConnectionStatus.PARTIAL);

                List<CompletableFuture<TaskOutcome>> futures = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    futures.add(stream.send(conversation, "while the socket is down " + i));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    TaskOutcome o = futures.get(i).join();
                    assertThat(o.completed()).isTrue();
                    assertThat(o.result().content()).contains("while the socket is down " + i);
                    assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.POLL);
                }
                assertThat(stream.status()).isEqualTo(ConnectionStatus.PARTIAL);

                // The socket comes back (after the backoff's current wait): it resumes with since,
                // the replay of the three results changes nothing, and live pushes resume.
                proxy.restore();
                await().atMost(Duration.ofSeconds(45)).until(() -> stream.status() == ConnectionStatus.FULL);
                TaskOutcome live = stream.send(conversation, "socket back").get(30, TimeUnit.SECONDS);
                assertThat(live.delivery()).isEqualTo(TaskOutcome.Delivery.PUSH);
                assertThat(rec.outcomes).hasSize(4);
                assertThat(rec.resets).isZero();
            }
        }
    }
}
