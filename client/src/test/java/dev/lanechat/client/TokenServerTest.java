// Against the real server in token mode: the bearer token on HTTP and as the socket's subscribe
// token, refusals as 401 errors, and one user's stream never showing another's events.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenServerTest {
    private static ServerProcess server;
    private static String alice;
    private static String bob;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess("--auth", "token");
        alice = server.addUser("alice");
        bob = server.addUser("bob");
        server.start(0);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static LanechatClient as(String token) {
        return LanechatClient.builder().url(server.url()).token(token).build();
    }

    @Test
    void aTokenWorksOnHttpAndOnTheSocketAndUsersSeeOnlyTheirOwnEvents() throws Exception {
        Recorder aliceSees = new Recorder();
        Recorder bobSees = new Recorder();
        try (LanechatStream a =
                        LanechatStream.builder(as(alice)).listener(aliceSees).build();
                LanechatStream b =
                        LanechatStream.builder(as(bob)).listener(bobSees).build()) {
            a.start();
            b.start();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> a.status() == ConnectionStatus.FULL && b.status() == ConnectionStatus.FULL);
            String conversation = as(alice).createConversation(null).id();
            TaskOutcome o = a.send(conversation, "for alice only").get(30, TimeUnit.SECONDS);
            assertThat(o.completed()).isTrue();
            assertThat(o.delivery()).isEqualTo(TaskOutcome.Delivery.PUSH);
            assertThat(aliceSees.events).extracting(Event::taskId).contains(o.taskId());

            // Bob's own answer arrives, and by then he would have heard Alice's had it leaked.
            String his = as(bob).createConversation(null).id();
            assertThat(b.send(his, "bob here").get(30, TimeUnit.SECONDS).completed())
                    .isTrue();
            assertThat(bobSees.events).extracting(Event::taskId).doesNotContain(o.taskId());
            LanechatApiException hidden =
                    catchThrowableOfType(LanechatApiException.class, () -> as(bob).conversation(conversation));
            assertThat(hidden.status()).isEqualTo(404);
        }
    }

    @Test
    void noOrAWrongTokenIsUnauthenticated() {
        for (String token : new String[] {null, "not-a-token"}) {
            LanechatApiException e = catchThrowableOfType(
                    LanechatApiException.class, () -> as(token).createConversation(null));
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("unauthenticated");
        }
    }

    @Test
    void aStreamWithAWrongTokenHearsTheServersErrorAndNeverSubscribes() {
        Recorder rec = new Recorder();
        java.util.List<String> codes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (LanechatStream s = LanechatStream.builder(as("not-a-token"))
                .listener(rec)
                .listener(new StreamListener() {
                    @Override
                    public void onError(String code, String message, long retryAfterMs) {
                        codes.add(code);
                    }
                })
                .build()) {
            s.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> !codes.isEmpty());
            assertThat(codes).first().isEqualTo("unauthenticated");
            assertThat(rec.readies).isEmpty();
            assertThat(s.status()).isNotEqualTo(ConnectionStatus.FULL);
        }
    }

    private static int cli(java.util.Map<String, String> env, StringBuilder errOut, String... args) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int status = new dev.lanechat.client.cli.Cli(
                        env,
                        java.io.InputStream.nullInputStream(),
                        new java.io.PrintStream(out, true),
                        new java.io.PrintStream(err, true),
                        false)
                .run(args);
        errOut.append(err);
        return status;
    }

    @Test
    void theCliTakesTheTokenFromTheFlagOrTheEnvironment() {
        StringBuilder err = new StringBuilder();
        assertThat(cli(java.util.Map.of("LANECHAT_URL", server.url()), err, "send", "hi"))
                .isEqualTo(2);
        assertThat(err.toString())
                .startsWith("lanechat: ")
                .contains("unauthenticated")
                .doesNotContain("\tat ");
        assertThat(cli(java.util.Map.of("LANECHAT_URL", server.url(), "LANECHAT_TOKEN", alice), err, "send", "hi"))
                .isZero();
        assertThat(cli(java.util.Map.of(), err, "send", "--url", server.url(), "--token", bob, "hi"))
                .isZero();
        assertThat(cli(java.util.Map.of(), err, "watch", "--url", server.url(), "--token", "wrong"))
                .isEqualTo(2);
    }
}
