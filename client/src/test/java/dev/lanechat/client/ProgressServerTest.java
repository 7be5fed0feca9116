// Progress against the REAL server: the demo lane streams its answer in pieces across its delay;
// the listener hears contiguous deltas before the outcome, and they add up to the final content.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProgressServerTest {
    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess("--demo-delay-ms", "1500").start(0);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void progressArrivesBeforeTheOutcomeAndAddsUpToTheFinalContent() throws Exception {
        LanechatClient api = LanechatClient.builder().url(server.url()).build();
        List<String> order = new CopyOnWriteArrayList<>();
        StringBuilder text = new StringBuilder();
        List<String> gaps = new CopyOnWriteArrayList<>();
        String[] ours = new String[1];
        StreamListener listener = new StreamListener() {
            @Override
            public void onProgress(String taskId, String messageId, String delta, long offset) {
                synchronized (text) {
                    assertThat(offset).isEqualTo(text.length());
                    text.append(delta);
                }
                order.add("progress " + taskId);
            }

            @Override
            public void onProgressGap(String taskId, long expectedOffset, long offset) {
                gaps.add(taskId);
            }

            @Override
            public void onTaskOutcome(TaskOutcome outcome) {
                order.add("outcome " + outcome.taskId());
            }
        };
        try (LanechatStream stream =
                LanechatStream.builder(api).listener(listener).build()) {
            stream.start();
            // Subscribed first, so the stream is watched from its first frame.
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> stream.status() == ConnectionStatus.FULL);
            String conversation = api.createConversation(null).id();
            TaskOutcome o = stream.send(
                            conversation,
                            "tell me a streamed story about ünïcode 😀 and more words",
                            null,
                            r -> ours[0] = r.taskId())
                    .get(30, TimeUnit.SECONDS);
            assertThat(o.completed()).isTrue();
            assertThat(o.taskId()).isEqualTo(ours[0]);
            assertThat(gaps).isEmpty();
            long pieces = order.stream()
                    .filter(s -> s.equals("progress " + o.taskId()))
                    .count();
            assertThat(pieces).as(order.toString()).isGreaterThanOrEqualTo(2);
            assertThat(order.get(0)).isEqualTo("progress " + o.taskId());
            assertThat(order.get(order.size() - 1)).isEqualTo("outcome " + o.taskId());
            assertThat(text.toString()).isEqualTo(o.result().content());
        }
    }
}
