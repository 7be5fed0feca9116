package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.JarServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server at its open-file limit (issue 16: each socket is a descriptor, and one process holds
 * at most what {@code ulimit -n} allows): a connection past the limit is closed on arrival, so its
 * client knows at once, instead of waiting in the backlog for its own timeout; the store still
 * works for the connections held; one log line says so, none carries a stack trace; and once
 * sockets close the server takes connections again and says how many it turned away. The jar runs
 * under {@code prlimit --nofile=300}.
 */
class FileLimitIT {
    private static final int OPEN_FILES = 300;
    /** FileLimitConnector.SPARE_DESCRIPTORS: what the connector leaves to the store and the JVM. */
    private static final int SPARE = 32;

    @TempDir
    Path work;

    private final List<Socket> held = new ArrayList<>();
    private JarServer server;

    @AfterEach
    void close() throws IOException {
        for (Socket s : held) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pastItsBudgetAConnectionIsClosedAtOnceTheStoreKeepsWorkingAndTheServerRecovers() throws Exception {
        server = JarServer.startWithOpenFileLimit(work, work.resolve("data"), "limited", OPEN_FILES);
        int served = flood();
        assertThat(served).as("connections served under the limit").isBetween(50, OPEN_FILES - SPARE);
        assertThat(openDescriptors())
                .as("descriptors the server holds at its connection limit (half the spare may have been used)")
                .isLessThanOrEqualTo(OPEN_FILES - SPARE / 2);
        assertThat(health(held.get(0)))
                .as("a held connection's request that reads the store, at the limit")
                .startsWith("HTTP/1.1 200");
        recovers();
    }

    /**
     * Something else took the descriptors the connector left (here the limit is lowered under the
     * running process): accept fails with EMFILE, and the reserved descriptor turns the waiting
     * connections away all the same.
     */
    @Test
    void atTheLimitItselfTheReservedDescriptorTurnsConnectionsAway() throws Exception {
        server = JarServer.startWithOpenFileLimit(work, work.resolve("data"), "lowered", OPEN_FILES);
        int lowered = OPEN_FILES / 2;
        Process prlimit = new ProcessBuilder(
                        "prlimit", "--pid", String.valueOf(server.pid()), "--nofile=" + lowered + ":" + lowered)
                .inheritIO()
                .start();
        assertThat(prlimit.waitFor()).as("prlimit --pid").isZero();
        int served = flood();
        assertThat(served).as("connections served under the lowered limit").isBetween(20, lowered);
        recovers();
    }

    private long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(server.pid()), "fd"))) {
            return fds.count();
        }
    }

    /** Opens connections until 20 are closed on arrival; each served one is held. How many were served. */
    private int flood() throws IOException {
        int served = 0, closedOnArrival = 0;
        long slowestRefusalMs = 0;
        for (int i = 0; i < OPEN_FILES * 2 && closedOnArrival < 20; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
            long t0 = System.nanoTime();
            String answer = health(s);
            if (answer.startsWith("HTTP/1.1 200")) {
                served++;
                held.add(s); // keep-alive: the server holds its descriptor
            } else {
                assertThat(answer)
                        .as("connection %d past the limit; the server's log:%n%s", i, server.stderr())
                        .isEqualTo("closed");
                closedOnArrival++;
                slowestRefusalMs = Math.max(slowestRefusalMs, (System.nanoTime() - t0) / 1_000_000);
                s.close();
            }
        }
        assertThat(closedOnArrival).as("connections closed on arrival").isEqualTo(20);
        assertThat(slowestRefusalMs).as("a turned-away client knows within").isLessThan(1_000);
        return served;
    }

    /** Once the held sockets close, a new connection is served; the log said what happened, once. */
    private void recovers() throws Exception {
        for (Socket s : held) {
            s.close();
        }
        held.clear();
        Thread.sleep(500); // the server sees the closes
        Socket again = new Socket();
        again.connect(new InetSocketAddress("127.0.0.1", server.port()), 2_000);
        held.add(again);
        assertThat(health(again)).startsWith("HTTP/1.1 200");

        String log = server.stderr();
        assertThat(log.lines().filter(l -> l.contains("open-file limit: new connections are closed on arrival")))
                .hasSize(1);
        assertThat(log).containsPattern("Accepting connections again; (\\d+) were turned away at the open-file limit");
        assertThat(log).doesNotContain("Accept Failure").doesNotContain("\tat ");
    }

    /** One line without its CRLF, or null at the end of the stream before any byte. */
    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return c == -1 && line.isEmpty() ? null : line.toString().trim();
    }

    /** Sends GET /api/health and returns the status line, or "closed" if the server closed the connection. */
    private static String health(Socket s) throws IOException {
        s.setSoTimeout(5_000);
        try {
            s.getOutputStream()
                    .write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String status = line(in);
            if (status == null) {
                return "closed";
            }
            long length = 0;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Long.parseLong(
                            header.substring("content-length:".length()).trim());
                }
            }
            in.readNBytes((int) length); // the body: the connection stays open for the next request
            return status;
        } catch (SocketTimeoutException e) {
            return "no answer within 5 s";
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset") ? "closed" : "failed: " + e;
        }
    }
}
