// The CLI against the real server: send prints the answer and "lane · model · $cost" (exit 0),
// a cancelled task exits 1, chat answers line by line, watch prints events.
package dev.lanechat.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanechat.client.Conversation;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.Message;
import dev.lanechat.client.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CliServerTest {
    private static ServerProcess server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess("--demo-delay-ms", "1000").start(0);
        url = server.url();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    record Run(int status, String out, String err) {}

    static Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Cli(
                        Map.of("LANECHAT_URL", url),
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        false)
                .run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sendPrintsTheAnswerAndItsCostLineAndExitsZero() {
        Run r = cli("", "send", "hello", "there");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("hello there");
        assertThat(r.out().strip().lines().reduce((a, b) -> b)).hasValue("demo · demo · $0.00");
        assertThat(r.err()).isEmpty(); // no spinner when stdout is not a terminal
    }

    @Test
    void sendToAnExistingConversationAndLane() {
        LanechatClient api = LanechatClient.builder().url(url).build();
        Conversation c = api.createConversation(null);
        Run r = cli("", "send", "--conversation", c.id(), "--lane", "demo", "--url", url, "again");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(api.conversation(c.id()).messageCount()).isEqualTo(2);
        Run bad = cli("", "send", "--lane", "no-such-lane", "x");
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err())
                .startsWith("lanechat: ")
                .contains("invalid_request")
                .doesNotContain("\tat ");
    }

    @Test
    void aCancelledTaskExitsOne() throws Exception {
        LanechatClient api = LanechatClient.builder().url(url).build();
        Conversation c = api.createConversation(null);
        CompletableFuture<Run> run =
                CompletableFuture.supplyAsync(() -> cli("", "send", "--conversation", c.id(), "cancel me"));
        String[] taskId = new String[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var msgs = api.conversation(c.id()).messages();
            taskId[0] = msgs.stream()
                    .filter(m -> m.role().equals("assistant"))
                    .map(Message::taskId)
                    .findFirst()
                    .orElse(null);
            return taskId[0] != null;
        });
        api.cancelTask(taskId[0]);
        Run r = run.get(30, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("cancelled");
    }

    @Test
    void chatAnswersEachLineInOneConversation() {
        Run r = cli("first line\n\nsecond line\n/quit\nnever sent\n", "chat");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("first line", "second line").doesNotContain("never sent");
        assertThat(r.out().lines().filter(l -> l.equals("demo · demo · $0.00"))).hasSize(2);
    }

    @Test
    void chatRegeneratesTheLastAnswerAndEditsTheLastMessage() {
        LanechatClient api = LanechatClient.builder().url(url).build();
        Conversation c = api.createConversation(null);
        Run r = cli(
                "/regenerate\nfirst words\n/regenerate\n/edit\n/edit second words\n", "chat", "--conversation", c.id());
        assertThat(r.status()).as(r.err()).isZero();
        // Nothing to regenerate before the first answer; /edit without text is refused.
        assertThat(r.err()).contains("no answer to regenerate yet", "/edit needs the new text");
        assertThat(r.out().lines().filter(l -> l.equals("demo · demo · $0.00"))).hasSize(3);
        assertThat(r.out()).contains("first words", "second words");

        // On the server: the first answer has two versions, the first message two, and the chosen
        // path is the edited message with its answer.
        assertThat(api.conversation(c.id()).messageCount()).isEqualTo(5);
        Conversation now = api.conversation(c.id());
        assertThat(now.messages()).hasSize(2);
        Message edited = now.messages().get(0);
        assertThat(edited.content()).isEqualTo("second words");
        assertThat(edited.siblingIds()).hasSize(2).endsWith(edited.id());
        assertThat(now.leafId()).isEqualTo(now.messages().get(1).id());
        assertThat(now.messages().get(1).parentId()).isEqualTo(edited.id());
        Conversation before = api.switchTo(c.id(), edited.siblingIds().get(0));
        assertThat(before.messages()).hasSize(2);
        assertThat(before.messages().get(0).content()).isEqualTo("first words");
        assertThat(before.messages().get(1).siblingIds()).hasSize(2);
    }

    @Test
    void watchPrintsEachEventAsAJsonLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli watch = new Cli(
                Map.of(),
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        int[] status = {-1};
        Thread t = new Thread(() -> status[0] = watch.run(new String[] {"watch", "--url", url}));
        t.start();
        try {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> err.toString(StandardCharsets.UTF_8).contains("connection full"));
            LanechatClient api = LanechatClient.builder().url(url).build();
            String taskId = api.sendMessage(api.createConversation(null).id(), "watch me", null, null)
                    .taskId();
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> out.toString(StandardCharsets.UTF_8)
                            .lines()
                            .anyMatch(l -> l.contains("\"task.completed\"") && l.contains(taskId)));
            assertThat(out.toString(StandardCharsets.UTF_8).lines())
                    .allSatisfy(l -> assertThat(l).startsWith("{\"event\":"));
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertThat(status[0]).isZero();
    }
}
