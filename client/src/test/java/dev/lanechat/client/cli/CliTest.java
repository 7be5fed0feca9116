// CLI behaviour that needs no server: usage errors, help, exit status 2 when the server is down
// (also through the real main() in a child JVM, to check the process exit status itself).
package dev.lanechat.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CliTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env, String... args) {
        Cli cli = new Cli(
                env,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return cli.run(args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        assertThat(run(Map.of())).isEqualTo(2);
        assertThat(run(Map.of(), "frobnicate")).isEqualTo(2);
        assertThat(run(Map.of(), "send")).isEqualTo(2);
        assertThat(run(Map.of(), "send", "--lane")).isEqualTo(2);
        assertThat(run(Map.of(), "send", "--nope", "x")).isEqualTo(2);
        assertThat(run(Map.of(), "send", "--url", "not a url", "x")).isEqualTo(2);
        assertThat(run(Map.of(), "send", "--timeout", "soon", "x")).isEqualTo(2);
        assertThat(err())
                .contains("unknown command 'frobnicate'", "unknown option --nope", "--lane needs a value")
                .doesNotContain("Exception", "\tat ");
        assertThat(out()).isEmpty();
    }

    @Test
    void helpForEachCommand() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(run(Map.of(), "send", "--help")).isZero();
        assertThat(run(Map.of(), "chat", "--help")).isZero();
        assertThat(run(Map.of(), "watch", "--help")).isZero();
        assertThat(out())
                .contains(
                        "Usage: lanechat <command>",
                        "Usage: lanechat send",
                        "Usage: lanechat chat",
                        "Usage: lanechat watch",
                        "--conversation",
                        "--since");
    }

    @Test
    void serverDownExitsTwoNamingTheUrl() throws IOException {
        String url = "http://127.0.0.1:" + closedPort();
        assertThat(run(Map.of("LANECHAT_URL", url), "send", "hello")).isEqualTo(2);
        assertThat(run(Map.of(), "watch", "--url", url)).isEqualTo(2);
        assertThat(run(Map.of(), "chat", "--url", url)).isEqualTo(2);
        assertThat(err().lines())
                .hasSize(3)
                .allSatisfy(l ->
                        assertThat(l).isEqualTo("lanechat: cannot reach Lanechat at " + url + ": connection refused"));
    }

    @Test
    void realMainExitsTwoWhenTheServerIsDown() throws Exception {
        String url = "http://127.0.0.1:" + closedPort();
        Process p = new ProcessBuilder(
                        Paths.get(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "send",
                        "--url",
                        url,
                        "hello")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(stderr.strip()).isEqualTo("lanechat: cannot reach Lanechat at " + url + ": connection refused");
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEmpty();
    }

    @Test
    void costIsPrintedWithAtLeastCents() {
        assertThat(Format.cost(java.math.BigDecimal.ZERO)).isEqualTo("$0.00");
        assertThat(Format.cost(new java.math.BigDecimal("0.120"))).isEqualTo("$0.12");
        assertThat(Format.cost(new java.math.BigDecimal("0.0015"))).isEqualTo("$0.0015");
        assertThat(Format.cost(new java.math.BigDecimal("3"))).isEqualTo("$3.00");
    }
}
