package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.MetricsText;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket whose reader stops: its frames pile up only to the send window, other sockets keep
 * getting events, and after the slow-socket limit it is closed (1013 when the close gets through)
 * and resumes with since, missing nothing.
 */
class SlowSocketTest {
    private static final int MESSAGES = 400;

    @TempDir
    Path dataDir;

    @Test
    void aStuckReaderIsCutWhileOthersAreServedAndItResumesWithSince() throws Exception {
        try (TestServer server = TestServer.start(
                dataDir,
                b -> b.demoDelay(Duration.ZERO)
                        .demoConcurrency(4)
                        .sendBurst(10_000)
                        .sendPerMinute(1_000_000)
                        .slowSocketLimit(Duration.ofSeconds(2)))) {
            Http http = server.http();
            String conversation = http.createConversation().path("id").asText();
            Socket healthy = server.socket().subscribe();
            healthy.ready();

            AtomicLong highestSeen = new AtomicLong();
            CompletableFuture<Integer> slowClosed = new CompletableFuture<>();
            WebSocket.Listener stopsReading = new WebSocket.Listener() {
                @Override
                public void onOpen(WebSocket ws) {
                    ws.request(3); // ready, and two more frames; then it never asks again
                }

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    String text = data.toString();
                    int at = text.indexOf("\"id\":");
                    if (at >= 0 && text.startsWith("{\"event\":\"update\"")) {
                        highestSeen.set(Long.parseLong(text.substring(at + 5, text.indexOf(',', at))));
                    }
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    slowClosed.complete(code);
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    slowClosed.complete(-1);
                }
            };
            WebSocket slow = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws"), stopsReading)
                    .join();
            slow.sendText("{\"token\":\"stream\"}", true).join();

            // Big answers (the demo reflects the message), so the stuck reader's buffers fill up.
            String big = "x".repeat(30_000);
            ExecutorService senders = Executors.newFixedThreadPool(4);
            List<Future<JsonNode>> sends = new ArrayList<>();
            for (int i = 0; i < MESSAGES; i++) {
                int n = i;
                sends.add(senders.submit(() -> http.send(conversation, n + " " + big)));
            }
            senders.shutdown();
            assertThat(senders.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
            for (Future<JsonNode> send : sends) {
                send.get(); // a send that failed fails the test with its own error
            }

            // The healthy socket gets every event meanwhile.
            long last = 0;
            while (last < MESSAGES) {
                JsonNode update = healthy.update();
                assertThat(update.path("id").asLong()).isEqualTo(last + 1);
                last = update.path("id").asLong();
            }

            // The stuck one is cut: its frames stop growing on the server.
            await().atMost(Duration.ofSeconds(30)).until(() -> openSockets(http) == 1);
            slow.request(Long.MAX_VALUE); // read what got through, then the end of the connection
            int code = slowClosed.get(30, TimeUnit.SECONDS);
            assertThat(code).as("close code (or -1 for a cut connection)").isIn(1013, 1006, -1);

            // It resumes with since and gets exactly the rest.
            long since = highestSeen.get();
            assertThat(since).isLessThan(MESSAGES);
            Socket resumed = server.socket().subscribe(since);
            for (long id = since + 1; id <= MESSAGES; id++) {
                assertThat(resumed.update().path("id").asLong()).isEqualTo(id);
            }
            assertThat(resumed.ready()).isEqualTo(MESSAGES);
        }
    }

    private static int openSockets(Http http) {
        return (int) MetricsText.value(http.get("/metrics").body(), "lanechat_sockets_open");
    }
}
