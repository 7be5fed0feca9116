package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.LogCapture;
import dev.lanechat.server.support.PgCluster;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A socket upgrade while PostgreSQL is away (found by bench/hundred-k.sh, whose nodes' pools ran
 * dry): the token cannot be looked up, so the upgrade is answered 503 {@code unavailable} with
 * {@code Retry-After: 1}, as the HTTP API answers, and logged in one line that quotes neither the
 * statement nor the token's hash. Before, Jetty answered 500 and logged the whole statement.
 */
class SocketUpgradeStoreDownIT {
    @TempDir
    Path dataDir;

    private PgCluster cluster;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void anUpgradeWhileTheStoreIsAwayGets503WithRetryAfterAndALogLineWithoutTheStatement() throws Exception {
        cluster = PgCluster.start();
        PgDatabase database = cluster.newDatabase();
        server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).db(database.jdbcUrl()));
        assertThat(upgrade("lc_not_a_known_token").get(0))
                .as("the store answers")
                .contains(" 101 ");

        List<String> answer;
        try (LogCapture logs = LogCapture.start()) {
            cluster.stopServer();
            answer = upgrade("lc_another_unknown_token");
            assertThat(answer.get(0)).contains(" 503 ");
            assertThat(answer).contains("Retry-After: 1");
            assertThat(answer.get(answer.size() - 1)).contains("\"code\":\"unavailable\"");
            assertThat(logs.all()).contains("Socket upgrade refused, store unreachable");
            assertThat(logs.all()).doesNotContain("token_hash").doesNotContain("SELECT");
        }
        cluster.startServer();
        // The pool finds the restarted server on its own, within a few tries (each a 503 meanwhile).
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(
                        () -> assertThat(upgrade("lc_a_third_unknown_token").get(0))
                                .as("back again")
                                .contains(" 101 "));
    }

    /** A raw upgrade of /ws with this bearer token: the status line, the headers and (if any) the body's first line. */
    private List<String> upgrade(String token) throws IOException {
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            tcp.setSoTimeout(20_000);
            String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + token + "\r\n\r\n";
            tcp.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            tcp.getOutputStream().flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                lines.add(line);
            }
            if (!lines.get(0).contains(" 101 ")) {
                char[] body = new char[4096];
                int n = in.read(body);
                if (n > 0) {
                    lines.add(new String(body, 0, n));
                }
            }
            return lines;
        }
    }
}
