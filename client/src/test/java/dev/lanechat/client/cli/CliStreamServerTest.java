// `lanechat send` prints the answer as it streams, against the REAL server (demo lane, 1500 ms):
// text reaches stdout well before the outcome, and stdout is the final answer exactly once plus
// the meta line. The printer's gap / early-frame logic is checked on its own below.
package dev.lanechat.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.client.Conversation;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.Message;
import dev.lanechat.client.SendReceipt;
import dev.lanechat.client.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CliStreamServerTest {
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

    /** Records every write with the time it happened. */
    static final class TimedOut extends OutputStream {
        record Chunk(long atNanos, String text) {}

        final List<Chunk> chunks = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            chunks.add(new Chunk(System.nanoTime(), new String(b, off, len, StandardCharsets.UTF_8)));
        }

        String all() {
            StringBuilder sb = new StringBuilder();
            chunks.forEach(c -> sb.append(c.text()));
            return sb.toString();
        }
    }

    @Test
    void sendPrintsTheAnswerAsItStreamsAndExactlyOnce() {
        LanechatClient api = LanechatClient.builder().url(server.url()).build();
        Conversation c = api.createConversation(null);
        TimedOut out = new TimedOut();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Cli(
                        Map.of("LANECHAT_URL", server.url()),
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        false)
                .run(new String[] {"send", "--conversation", c.id(), "a streamed answer with ünïcode 😀 please"});
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        String answer = api.conversation(c.id()).messages().stream()
                .filter(m -> m.role().equals("assistant"))
                .map(Message::content)
                .findFirst()
                .orElseThrow();
        assertThat(answer).contains("a streamed answer with ünïcode 😀 please");
        // Exactly the final answer once, then the meta line.
        assertThat(out.all())
                .isEqualTo(answer + System.lineSeparator() + "demo · demo · $0.00" + System.lineSeparator());
        // And it streamed: text was on stdout well before the meta line (the demo lane streams over 1.5 s).
        long first = out.chunks.get(0).atNanos();
        long meta = out.chunks.stream()
                .filter(ch -> ch.text().contains("demo · demo"))
                .findFirst()
                .orElseThrow()
                .atNanos();
        assertThat((meta - first) / 1_000_000)
                .as("ms between first text and the meta line")
                .isGreaterThanOrEqualTo(400);
        long piecesBeforeMeta = out.chunks.stream()
                .filter(ch -> ch.atNanos() < meta && !ch.text().isBlank())
                .count();
        assertThat(piecesBeforeMeta).isGreaterThanOrEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    // ---- AnswerPrinter on its own --------------------------------------------------------------

    private static SendReceipt receipt(String taskId) {
        return new SendReceipt("queued", taskId, "m", "c", "demo", null);
    }

    @Test
    void printerKeepsEarlyFramesUntilTheTaskIsKnownAndPrintsOnlyItsOwn() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] spinnerStops = {0};
        AnswerPrinter p =
                new AnswerPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), () -> spinnerStops[0]++);
        p.onProgress("other", "m", "not ours", 0);
        p.onProgress("t", "m", "Hel", 0);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        p.accepted(receipt("t"));
        p.onProgress("t", "m", "lo", 3);
        p.onProgress("other", "m", " still not", 8);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("Hello");
        assertThat(p.remainder("Hello world")).isEqualTo(" world");
        assertThat(spinnerStops[0]).isEqualTo(1);
    }

    @Test
    void afterAGapThePrinterWaitsAndTheRemainderCompletesTheAnswerOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerPrinter p = new AnswerPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), () -> {});
        p.accepted(receipt("t"));
        p.onProgress("t", "m", "one ", 0);
        p.onProgressGap("t", 4, 8);
        p.onProgress("t", "m", "again", 0); // even a restart prints nothing more
        String rest = p.remainder("one two three");
        assertThat(out.toString(StandardCharsets.UTF_8) + rest).isEqualTo("one two three");
    }

    @Test
    void withoutProgressTheRemainderIsTheWholeAnswer() {
        AnswerPrinter p = new AnswerPrinter(new PrintStream(new ByteArrayOutputStream()), () -> {});
        p.accepted(receipt("t"));
        assertThat(p.remainder("all of it")).isEqualTo("all of it");
    }

    @Test
    void aGapBeforeTheTaskWasKnownMeansNothingIsPrinted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AnswerPrinter p = new AnswerPrinter(new PrintStream(out, true, StandardCharsets.UTF_8), () -> {});
        p.onProgress("t", "m", "abc", 0);
        p.onProgressGap("t", 3, 9);
        p.accepted(receipt("t"));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(p.remainder("abcdefghijk")).isEqualTo("abcdefghijk");
    }
}
