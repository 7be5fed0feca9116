// `lanechat send --file` and `lanechat chat --file` / "/file" against the real server (E14): the
// files are uploaded, attached to the message (the demo's answer names them), and a refused file
// ends the command with the server's words before anything is sent.
package dev.lanechat.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.client.FileInfo;
import dev.lanechat.client.LanechatClient;
import dev.lanechat.client.Message;
import dev.lanechat.client.ServerProcess;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliAttachmentsServerTest {
    static final byte[] PNG = Base64.getDecoder()
            .decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    private static ServerProcess server;
    private static String url;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = new ServerProcess("--demo-delay-ms", "100").start(0);
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

    private Path file(String name, byte[] data) throws Exception {
        return Files.write(dir.resolve(name), data);
    }

    @Test
    void sendUploadsEachFileAndTheAnswerNamesThem() throws Exception {
        Path notes = file("notes.md", "# Notes\n".getBytes(StandardCharsets.UTF_8));
        Path cat = file("cat.png", PNG);
        Run r = cli("", "send", "--file", notes.toString(), "--file=" + cat, "look", "at", "these");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Attached: notes.md (text, 8 bytes), cat.png (image, 70 bytes).");

        LanechatClient api = LanechatClient.builder().url(url).build();
        String conversation = api.conversations().get(0).id();
        Message user = api.conversation(conversation).messages().get(0);
        assertThat(user.content()).isEqualTo("look at these");
        assertThat(user.files()).extracting(FileInfo::name).containsExactly("notes.md", "cat.png");
        assertThat(user.files()).extracting(FileInfo::kind).containsExactly("text", "image");
        assertThat(api.downloadFile(user.files().get(1).id())).isEqualTo(PNG);
    }

    @Test
    void aRefusedOrMissingFileEndsTheSendBeforeAnythingIsSent() throws Exception {
        LanechatClient api = LanechatClient.builder().url(url).build();
        int before = api.conversations().size();
        Path pdf = file("doc.pdf", "%PDF-1.4\n".getBytes(StandardCharsets.UTF_8));
        Run refused = cli("", "send", "--file", pdf.toString(), "read this");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err())
                .startsWith("lanechat: The file 'doc.pdf' is refused")
                .contains("unsupported_media_type, HTTP 415");
        Run missing = cli("", "send", "--file", dir.resolve("nope.txt").toString(), "x");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("no readable file there");
        assertThat(api.conversations()).hasSize(before);
    }

    @Test
    void chatAttachesTheFileOptionToTheFirstMessageAndSlashFileToTheNext() throws Exception {
        Path log = file("app.log", "boom\n".getBytes(StandardCharsets.UTF_8));
        Path cat = file("cat.png", PNG);
        Run r = cli("first\n/file " + cat + "\nsecond\nthird\n/quit\n", "chat", "--file", log.toString());
        assertThat(r.status()).as(r.err()).isZero();
        List<String> answers =
                r.out().lines().filter(l -> l.startsWith("You said:")).toList();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0)).contains("Attached: app.log (text, 5 bytes).");
        assertThat(answers.get(1)).contains("Attached: cat.png (image, 70 bytes).");
        assertThat(answers.get(2)).doesNotContain("Attached");
    }
}
