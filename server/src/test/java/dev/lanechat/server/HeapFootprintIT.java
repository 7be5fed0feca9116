package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.JarServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    private JarServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void serveSetsTheHeapFlagsThatHaveTheirDefaults() throws Exception {
        server = JarServer.start(work, work.resolve("data"), 0, "defaults");
        assertThat(flagsOf(server))
                .contains("-XX:MaxHeapFreeRatio=40", "-XX:MinHeapFreeRatio=20", "-XX:G1PeriodicGCInterval=300000");
    }

    @Test
    void aFlagTheOperatorSetIsLeftAsSet() throws Exception {
        server = JarServer.startWithEnvironment(
                work, work.resolve("data"), "operator", Map.of("JDK_JAVA_OPTIONS", "-XX:MaxHeapFreeRatio=55"));
        assertThat(flagsOf(server))
                .contains("-XX:MaxHeapFreeRatio=55", "-XX:MinHeapFreeRatio=20")
                .doesNotContain("MaxHeapFreeRatio=40");
    }

    private static String flagsOf(JarServer server) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(server.pid()), "VM.flags")
                .redirectErrorStream(true)
                .start();
        String flags = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return flags;
    }
}
