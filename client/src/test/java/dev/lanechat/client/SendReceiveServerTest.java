// Against the real server: the HTTP API's typed calls and errors, and send → answer over the stream.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SendReceiveServerTest {
    private static ServerProcess server;
    private static LanechatClient api;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess().start(0);
        api = LanechatClient.builder().url(server.url()).build();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sendsAndReceivesTheDemoAnswerOverTheStream() throws Exception {
        Recorder rec = new Recorder();
        try (LanechatStream stream = LanechatStream.builder(api).listener(rec).build()) {
            stream.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> stream.status() == ConnectionStatus.FULL);
            Conversation c = api.createConversation("java client");
            TaskOutcome o = stream.send(c.id(), "hello from the java client").get(30, TimeUnit.SECONDS);

            assertThat(o.completed()).isTrue();
            assertThat(o.result().content()).contains("hello from the java client");
            assertThat(o.result().model()).isEqualTo("demo");
            assertThat(o.result().costUsd()).isEqualByComparingTo(BigDecimal.ZERO);
            assertThat(o.lane()).isEqualTo("demo");
            assertThat(o.conversationId()).isEqualTo(c.id());
            assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.PUSH);
            assertThat(rec.outcomes).containsExactly(o);

            // The same answer, as the HTTP API stores it.
            Task t = api.task(o.taskId());
            assertThat(t.status()).isEqualTo("completed");
            assertThat(t.result().content()).isEqualTo(o.result().content());
            Conversation full = api.conversation(c.id());
            assertThat(full.messages()).extracting(Message::role).containsExactly("user", "assistant");
            assertThat(full.messages().get(1).id()).isEqualTo(o.messageId());
            assertThat(full.messages().get(1).content()).isEqualTo(o.result().content());
            assertThat(stream.lastEventId()).isPositive();
        }
    }

    @Test
    void typedHttpCalls() {
        Health h = api.health();
        assertThat(h.ok()).isTrue();
        assertThat(api.lanes()).anySatisfy(l -> {
            assertThat(l.name()).isEqualTo("demo");
            assertThat(l.model()).isEqualTo("demo");
            assertThat(l.isDefault()).isTrue();
        });
        Conversation c = api.createConversation(null);
        assertThat(api.conversations()).extracting(Conversation::id).contains(c.id());
        SendReceipt r = api.sendMessage(c.id(), "typed", null, "key-" + c.id());
        assertThat(r.status()).isEqualTo("queued");
        assertThat(r.conversationId()).isEqualTo(c.id());
        // The same idempotency key and body: the first answer again, nothing new.
        assertThat(api.sendMessage(c.id(), "typed", null, "key-" + c.id()).taskId())
                .isEqualTo(r.taskId());
        await().atMost(Duration.ofSeconds(15)).until(() -> api.task(r.taskId()).finished());
        EventPage page = api.events(0, 0);
        assertThat(page.events()).anySatisfy(e -> assertThat(e.taskId()).isEqualTo(r.taskId()));
        api.deleteConversation(c.id());
        assertThat(catchThrowableOfType(LanechatApiException.class, () -> api.conversation(c.id()))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void errorsCarryStatusCodeAndMessage() {
        LanechatApiException notFound =
                catchThrowableOfType(LanechatApiException.class, () -> api.task("no-such-task"));
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.code()).isEqualTo("not_found");
        assertThat(notFound.getMessage()).isNotBlank();

        Conversation c = api.createConversation(null);
        LanechatApiException empty =
                catchThrowableOfType(LanechatApiException.class, () -> api.sendMessage(c.id(), "   ", null, null));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.code()).isEqualTo("invalid_request");

        LanechatApiException lane = catchThrowableOfType(
                LanechatApiException.class, () -> api.sendMessage(c.id(), "x", "no-such-lane", null));
        assertThat(lane.status()).isEqualTo(400);
    }

    @Test
    void aRefusedSendFailsTheFuture() {
        try (LanechatStream stream = LanechatStream.builder(api).build()) {
            stream.start();
            var f = stream.send("no-such-conversation", "hi");
            await().atMost(Duration.ofSeconds(10)).until(f::isDone);
            assertThat(f).isCompletedExceptionally();
            assertThat(catchThrowableOfType(Exception.class, f::join).getCause())
                    .isInstanceOfSatisfying(
                            LanechatApiException.class,
                            e -> assertThat(e.status()).isEqualTo(404));
        }
    }

    @Test
    void unreachableServerIsAConnectionException() {
        LanechatClient nobody = LanechatClient.builder()
                .url("http://127.0.0.1:" + ServerProcess.freePort())
                .build();
        LanechatConnectionException e = catchThrowableOfType(LanechatConnectionException.class, nobody::health);
        assertThat(e.getMessage()).startsWith("cannot reach Lanechat at http://127.0.0.1:");
    }

    @Test
    void aSinceNewerThanTheServerKnowsIsAResetAndLiveEventsStillArrive() throws Exception {
        Recorder rec = new Recorder();
        // As after the server's store was replaced: our high mark is far above its ids.
        try (LanechatStream stream =
                LanechatStream.builder(api).since(1_000_000).listener(rec).build()) {
            stream.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> !rec.readies.isEmpty());
            assertThat(rec.resets).isEqualTo(1);
            assertThat(stream.lastEventId()).isLessThan(1_000_000);
            TaskOutcome o = stream.send(api.createConversation(null).id(), "after a reset")
                    .get(30, TimeUnit.SECONDS);
            assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.PUSH);
            assertThat(rec.events).extracting(Event::taskId).contains(o.taskId());
        }
    }
}
