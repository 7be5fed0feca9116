package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.RawHttp;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a foreign web page can make a browser send (issue 14, attacks 2 and 3): in open mode a
 * request or socket with a {@code Host} that is not a loopback name (DNS rebinding) is refused
 * with 403 before any handler; in both modes a state-changing request with a foreign
 * {@code Origin} is refused with 403 whatever its body, and changes nothing.
 */
class SameOriginTest {

    @TempDir
    Path dataDir;

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RawHttp start(java.util.function.UnaryOperator<dev.lanechat.server.config.Config.Builder> tweak) {
        server = TestServer.start(dataDir, b -> tweak.apply(b.lanes(TestLanes.demoAndWorker())));
        return new RawHttp(server.port());
    }

    private int conversationCount() {
        return server.http().get("/api/conversations").json().size();
    }

    @Test
    void openModeAnswersOnlyLoopbackHostNames() {
        RawHttp raw = start(b -> b);
        int port = server.port();
        server.http().createConversation();
        for (String host : List.of(
                "127.0.0.1:" + port,
                "localhost:" + port,
                "LOCALHOST:" + port,
                "[::1]:" + port,
                "localhost",
                "127.0.0.2:" + port)) {
            RawHttp.Answer a = raw.send("GET", "/api/conversations", null, "Host", host);
            assertThat(a.status()).as(host + ": " + a.body()).isEqualTo(200);
            assertThat(a.json()).hasSize(1);
        }
        for (String host : List.of(
                "evil.example:" + port,
                "evil.example",
                "127.0.0.1.evil.example:" + port,
                "localhost.evil.example:" + port,
                "[::1].evil.example",
                "127.0.0.1:" + port + "@evil.example",
                "0x7f000001:" + port,
                "localhost:x",
                "")) {
            for (String path : List.of("/api/conversations", "/api/health", "/", "/api/nothing")) {
                RawHttp.Answer a = raw.send("GET", path, null, "Host", host);
                assertThat(a.status())
                        .as("Host " + host + " " + path + ": " + a.body())
                        .isIn(403, 400);
                assertThat(a.body()).doesNotContain("New conversation").doesNotContain("<!doctype");
            }
        }
        RawHttp.Answer refused = raw.send("GET", "/api/conversations", null, "Host", "evil.example:" + port);
        assertThat(refused.errorCode()).isEqualTo("forbidden");
        assertThat(refused.json().path("error").path("message").asText()).contains("--allowed-hosts");
    }

    @Test
    void openModeRefusesTheSocketUpgradeOfAForeignHost() throws IOException {
        start(b -> b);
        int port = server.port();
        assertThat(upgradeStatus("evil.example:" + port, "http://evil.example:" + port))
                .isEqualTo(403);
        assertThat(upgradeStatus("evil.example:" + port, null)).isEqualTo(403);
        assertThat(upgradeStatus("127.0.0.1:" + port, null)).isEqualTo(101);
        Socket own = server.socket().subscribe();
        own.ready();
    }

    /** The status of a WebSocket upgrade request with this Host (and Origin), read from its first line. */
    private int upgradeStatus(String host, String origin) throws IOException {
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            tcp.setSoTimeout(5_000);
            String request = "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
            OutputStream out = tcp.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = new BufferedReader(new InputStreamReader(tcp.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void openModeAnswersTheNamesOnAllowedHosts() {
        RawHttp raw = start(b -> b.allowedHosts(List.of("chat.lan", "box.lan:9999")));
        int port = server.port();
        assertThat(raw.send("GET", "/api/conversations", null, "Host", "chat.lan:" + port)
                        .status())
                .isEqualTo(200);
        assertThat(raw.send("GET", "/api/conversations", null, "Host", "CHAT.LAN")
                        .status())
                .isEqualTo(200);
        assertThat(raw.send("GET", "/api/conversations", null, "Host", "box.lan:9999")
                        .status())
                .isEqualTo(200);
        assertThat(raw.send("GET", "/api/conversations", null, "Host", "box.lan:" + port)
                        .status())
                .isEqualTo(403);
        assertThat(raw.send("GET", "/api/conversations", null, "Host", "evil.lan:" + port)
                        .status())
                .isEqualTo(403);
        // The page on that name is same-origin to itself, so it may write.
        RawHttp.Answer create = raw.send(
                "POST", "/api/conversations", null, "Host", "chat.lan:" + port, "Origin", "http://chat.lan:" + port);
        assertThat(create.status()).as(create.body()).isEqualTo(201);
    }

    @Test
    void crossSiteWritesAreRefusedWhateverTheBodyAndChangeNothing() {
        RawHttp raw = start(b -> b);
        int port = server.port();
        String conversation = server.http().createConversation().path("id").asText();
        String task = server.http()
                .post(
                        "/api/conversations/" + conversation + "/messages",
                        Map.of("content", "queued for a worker", "lane", "ext"))
                .json()
                .path("task_id")
                .asText();
        int before = conversationCount();
        String evil = "http://evil.example";
        List<String[]> attempts = List.of(
                new String[] {"POST", "/api/conversations", null, null},
                new String[] {"POST", "/api/conversations", "{}", "application/json"},
                new String[] {"POST", "/api/conversations", "title=x", "application/x-www-form-urlencoded"},
                new String[] {"POST", "/api/conversations", "{\"title\":\"x\"}", "text/plain"},
                new String[] {"POST", "/api/lanes/ext/claim", null, null},
                new String[] {"POST", "/api/lanes/ext/claim?wait_s=0", "", "text/plain"},
                new String[] {
                    "POST", "/api/conversations/" + conversation + "/messages", "{\"content\":\"x\"}", "text/plain"
                },
                new String[] {"PATCH", "/api/conversations/" + conversation, "{\"title\":\"pwned\"}", "application/json"
                },
                new String[] {"DELETE", "/api/conversations/" + conversation, null, null},
                new String[] {"POST", "/api/tasks/" + task + "/cancel", null, null},
                new String[] {"POST", "/api/session", "{\"token\":\"x\"}", "application/json"},
                new String[] {"DELETE", "/api/session", null, null},
                new String[] {"POST", "/api/nothing-here", null, null});
        for (String origin : List.of(
                evil,
                evil + ":" + port,
                "http://127.0.0.1:" + (port + 1),
                "null",
                "http://localhost.evil.example:" + port)) {
            for (String[] a : attempts) {
                RawHttp.Answer answer = a[3] == null
                        ? raw.send(a[0], a[1], a[2], "Origin", origin)
                        : raw.send(a[0], a[1], a[2], "Origin", origin, "Content-Type", a[3]);
                assertThat(answer.status())
                        .as(a[0] + " " + a[1] + " from " + origin + ": " + answer.body())
                        .isEqualTo(403);
                assertThat(answer.errorCode()).isEqualTo("forbidden");
            }
        }
        // A page that sends no Origin but says it is another site's (Sec-Fetch-Site) is refused too.
        assertThat(raw.send("POST", "/api/conversations", null, "Sec-Fetch-Site", "cross-site")
                        .status())
                .isEqualTo(403);
        // Nothing changed: no conversation made, renamed or deleted, no message added, the task still queued.
        assertThat(conversationCount()).isEqualTo(before);
        assertThat(server.http().conversation(conversation).path("title").asText())
                .isNotEqualTo("pwned");
        assertThat(server.http().conversation(conversation).path("messages")).hasSize(2);
        assertThat(server.http().task(task).path("status").asText()).isEqualTo("queued");
        // Reads stay readable to the page's own origin, and a same-origin or Origin-less write works.
        assertThat(raw.send("GET", "/api/conversations", null, "Origin", evil).status())
                .isEqualTo(200);
        assertThat(raw.send("POST", "/api/conversations", null, "Origin", "http://127.0.0.1:" + port)
                        .status())
                .isEqualTo(201);
        assertThat(raw.send(
                                "POST",
                                "/api/conversations",
                                null,
                                "Origin",
                                "HTTP://LOCALHOST:" + port,
                                "Host",
                                "localhost:" + port)
                        .status())
                .isEqualTo(201);
        assertThat(raw.send("POST", "/api/conversations", null, "Sec-Fetch-Site", "same-origin")
                        .status())
                .isEqualTo(201);
        assertThat(raw.send("POST", "/api/conversations", null).status()).isEqualTo(201);
        assertThat(conversationCount()).isEqualTo(before + 4);
    }

    @Test
    void anAllowedOriginMayWrite() {
        RawHttp raw = start(b -> b.allowedOrigins(List.of("https://app.example/")));
        assertThat(raw.send("POST", "/api/conversations", null, "Origin", "https://app.example")
                        .status())
                .isEqualTo(201);
        assertThat(raw.send("POST", "/api/conversations", null, "Origin", "https://app.example.evil")
                        .status())
                .isEqualTo(403);
    }

    @Test
    void tokenModeRefusesForeignOriginWritesEvenWithAValidTokenButNotForeignHosts() {
        String token = TokenUsers.add(dataDir, "alice");
        RawHttp raw = start(b -> b.auth(AuthMode.TOKEN));
        String bearer = "Bearer " + token;
        RawHttp.Answer write =
                raw.send("POST", "/api/conversations", null, "Authorization", bearer, "Origin", "http://evil.example");
        assertThat(write.status()).as(write.body()).isEqualTo(403);
        assertThat(new Http(server.uri())
                        .withBearer(token)
                        .get("/api/conversations")
                        .json())
                .isEmpty();
        // Token mode is meant to be reached by other names (a proxy, a LAN name): Host is not checked.
        RawHttp.Answer read =
                raw.send("GET", "/api/conversations", null, "Authorization", bearer, "Host", "chat.example");
        assertThat(read.status()).as(read.body()).isEqualTo(200);
    }
}
