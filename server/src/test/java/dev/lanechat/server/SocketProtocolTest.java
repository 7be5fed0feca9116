package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.RawWebSocket;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the socket does with clients that break protocol.md, and its heartbeat. */
class SocketProtocolTest {
    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir, b -> b.subscribeTimeout(Duration.ofMillis(500)).pingInterval(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertErrorThenClose(Socket socket, String code, int closeCode) {
        JsonNode error = socket.next();
        assertThat(error.path("event").asText()).as(error.toString()).isEqualTo("error");
        assertThat(error.path("data").path("code").asText()).isEqualTo(code);
        assertThat(error.path("data").path("message").asText()).isNotBlank();
        assertThat(socket.closeCode()).isEqualTo(closeCode);
    }

    @Test
    void noSubscribeInTimeIsSubscribeTimeoutThen4408() {
        Socket socket = server.socket();
        assertErrorThenClose(socket, "subscribe_timeout", 4408);
    }

    @Test
    void nonJsonTextIsInvalidFrameThen1007() {
        assertErrorThenClose(server.socket().send("hello?"), "invalid_frame", 1007);
    }

    @Test
    void jsonThatIsNotAnObjectIsInvalidFrame() {
        assertErrorThenClose(server.socket().send("[1,2]"), "invalid_frame", 1007);
    }

    @Test
    void subscribeWithoutTokenIsInvalidFrame() {
        assertErrorThenClose(server.socket().send("{\"since\":1}"), "invalid_frame", 1007);
    }

    @Test
    void negativeSinceIsInvalidFrame() {
        assertErrorThenClose(server.socket().send("{\"token\":\"stream\",\"since\":-1}"), "invalid_frame", 1007);
    }

    @Test
    void binaryFrameIs1007() {
        Socket socket = server.socket().sendBinary(new byte[] {1, 2, 3});
        assertErrorThenClose(socket, "invalid_frame", 1007);
    }

    @Test
    void binaryFrameAfterSubscribeIs1007() {
        Socket socket = server.socket().subscribe();
        socket.ready();
        socket.sendBinary(new byte[] {'{', '}'});
        assertErrorThenClose(socket, "invalid_frame", 1007);
    }

    @Test
    void frameOver64KiBIsClosedWith1009() {
        // Jetty's own limit is the contract's 64 KiB: it closes at once with 1009, before the
        // endpoint sees the frame, so no payload_too_large error event comes before the close.
        String big = "{\"token\":\"stream\",\"pad\":\"" + "x".repeat(64 * 1024 - 26) + "\"}";
        assertThat(big.length()).isEqualTo(64 * 1024 + 1);
        Socket socket = server.socket().send(big);
        assertThat(socket.closeCode()).isEqualTo(1009);
        assertThat(socket.nextOrNull(Duration.ZERO))
                .as("no frame before the close")
                .isNull();
    }

    @Test
    void aFrameAnnouncing1MiBIsClosedWith1009BeforeItsPayloadArrives() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            // The header of a masked text frame of 1 MiB, then only 64 KiB + 1 of it: the server
            // closes as soon as the message is over 64 KiB, rather than buffering (or waiting for)
            // the whole frame. (Jetty splits a frame over its 64 KiB frame size into fragments and
            // counts them against the message limit.)
            byte[] header = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4};
            raw.sendRaw(header);
            raw.sendRaw(new byte[64 * 1024 + 1]);
            assertThat(raw.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void repeatedSubscribeAndOtherObjectsAfterSubscribeAreIgnored() {
        Socket socket = server.socket().subscribe();
        long lastId = socket.ready();
        socket.subscribe(0).send("{\"type\":\"something.later\",\"x\":1}").send("{}");
        socket.assertQuiet(Duration.ofMillis(700)); // no second replay, no ready, no error; past the subscribe timeout
        assertThat(socket.isOpen()).isTrue();

        Http http = server.http();
        String taskId = http.send(http.createConversation().path("id").asText(), "still live")
                .path("task_id")
                .asText();
        JsonNode frame = socket.update();
        assertThat(frame.path("id").asLong()).isEqualTo(lastId + 1);
        assertThat(frame.path("data").path("task_id").asText()).isEqualTo(taskId);
    }

    @Test
    void subscribedSocketGetsPingEventsAndStaysOpenPastTheSubscribeTimeout() {
        Socket socket = server.socket().subscribe();
        socket.ready();
        JsonNode ping = socket.next();
        assertThat(ping.path("event").asText()).isEqualTo("ping");
        assertThat(ping.path("data").isObject()).isTrue();
        assertThat(ping.has("id")).isFalse();
        assertThat(socket.next().path("event").asText()).isEqualTo("ping");
        assertThat(socket.isOpen()).isTrue();
    }
}
