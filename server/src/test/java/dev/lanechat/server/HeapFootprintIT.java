package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lanechat serve} keeps at most 40 % of its heap free after a collection and runs a
 * periodic collection when idle ({@link HeapFootprint}); a flag the operator set stays as set.
 * Read from the running jar with {@code jcmd PID VM.flags}.
 */
class HeapFootprintIT {
    @TempDir
    Path work;

    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void serveSetsTheHeapFlagsThatHaveTheirDefaults() throws Exception {
        String flags = flagsOfServe(Map.of());
        assertThat(flags)
                .contains("-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=20", "-XX:G1PeriodicGCInterval=300000");
    }

    @Test
    void aFlagTheOperatorSetIsLeftAsSet() throws Exception {
        String flags = flagsOfServe(Map.of("JDK_JAVA_OPTIONS", "-XX:MaxHeapFreeRatio=55"));
        assertThat(flags)
                .contains("-XX:MaxHeapFreeRatio=55", "-XX:MinHeapFreeRatio=20")
                .doesNotContain("MaxHeapFreeRatio=40");
    }

    private String flagsOfServe(Map<String, String> env) throws Exception {
        Path out = work.resolve("server-" + env.size() + ".out");
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        bin.resolve("java").toString(),
                        "-jar",
                        System.getProperty("lanechat.server.jar"),
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        work.resolve("data-" + env.size()).toString()))
                .redirectOutput(out.toFile())
                .redirectError(work.resolve("server-" + env.size() + ".err").toFile());
        builder.environment().keySet().removeIf(n -> n.startsWith("LANECHAT_") || n.equals("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(env);
        server = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("Lanechat listening on")) {
            assertThat(server.isAlive()).as("server running").isTrue();
            assertThat(System.nanoTime()).as("listening within 60 s").isLessThan(deadline);
            Thread.sleep(50);
        }
        Process jcmd = new ProcessBuilder(bin.resolve("jcmd").toString(), Long.toString(server.pid()), "VM.flags")
                .redirectErrorStream(true)
                .start();
        String flags = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
        server.destroy();
        server.waitFor(20, TimeUnit.SECONDS);
        return flags;
    }
}
