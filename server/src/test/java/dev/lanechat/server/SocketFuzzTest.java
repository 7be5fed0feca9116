package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.RawWebSocket;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing {@code /ws} with jqwik: random text and binary frames, frames that are not UTF-8, huge
 * frames, raw bytes that are not WebSocket frames at all, before and after the subscribe. The
 * server answers with the contract's error event and close code (1007, 1009, 4401; Jetty's own 1002
 * for a broken framing), never 1011, never crashes, and a well-formed client with its own socket
 * keeps getting its events the whole time.
 */
class SocketFuzzTest {
    private static final int TRIES = 200;
    private static final Set<String> ERROR_CODES = Set.of("invalid_frame", "payload_too_large", "unauthenticated");
    private static final Set<Integer> CLOSE_CODES = Set.of(1007, 1009, 4401);

    private static final com.fasterxml.jackson.databind.ObjectMapper SERVERS_JSON = dev.lanechat.server.json.Json.newMapper();

    static Path dataDir;
    static TestServer server;
    static ApiFuzzTest.WellFormedClient client;

    @BeforeContainer
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("lanechat-socket-fuzz");
        server = TestServer.start(dataDir, b -> b.demoDelay(Duration.ofMillis(5)).sendRate(100_000, 100_000));
        client = new ApiFuzzTest.WellFormedClient(server);
        client.start();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            client.finish();
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- generators ----

    /** Text a JDK client can send (well-formed UTF-16): random, JSON-like, and subscribes with wrong types. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> random = Arbitraries.strings().ofMaxLength(200).filter(SocketFuzzTest::wellFormed);
        Arbitrary<String> jsonish = Arbitraries.strings().withChars("{}[]\":,0123456789.-eE tnrufalsx\\")
                .ofMaxLength(60);
        Arbitrary<String> value = Arbitraries.of("\"stream\"", "\"\"", "null", "1", "-1", "1.5", "true", "[]", "{}",
                "\"lc_nope\"", "99999999999999999999999", "\"1\"", "1e400");
        Arbitrary<String> subscribe = Combinators.combine(value, value, Arbitraries.of("token", "tokn", "since", "TOKEN"))
                .as((a, b, key) -> "{\"" + key + "\":" + a + ",\"since\":" + b + "}")
                .filter(s -> !s.startsWith("{\"token\":\"")); // a textual token is a valid subscribe in open mode
        Arbitrary<String> nested = Arbitraries.integers().between(1, 5000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n));
        return Arbitraries.oneOf(random, jsonish, subscribe, nested);
    }

    private static boolean wellFormed(String s) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2000);
    }

    /** Text payloads that are not UTF-8: random bytes with at least one invalid sequence in them. */
    @Provide
    Arbitrary<byte[]> invalidUtf8() {
        Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x28, (byte) 0xa1},
                new byte[] {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, new byte[] {(byte) 0x80});
        return Combinators.combine(Arbitraries.strings().ascii().ofMaxLength(50), bad,
                Arbitraries.strings().ascii().ofMaxLength(50)).as((head, b, tail) -> {
                    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
                    byte[] t = tail.getBytes(StandardCharsets.US_ASCII);
                    byte[] all = new byte[h.length + b.length + t.length];
                    System.arraycopy(h, 0, all, 0, h.length);
                    System.arraycopy(b, 0, all, h.length, b.length);
                    System.arraycopy(t, 0, all, h.length + b.length, t.length);
                    return all;
                });
    }

    // ---- properties ----

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void randomTextAsTheFirstFrame(@ForAll("texts") String text) {
        Socket socket = server.socket();
        socket.send(text);
        assertRejectedOrServed(socket, text);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void randomTextAfterTheSubscribe(@ForAll("texts") String text) {
        Socket socket = server.socket().subscribe();
        assertThat(control(socket).path("event").asText()).isEqualTo("ready");
        socket.send(text);
        JsonNode parsed = parse(text);
        if (parsed != null && parsed.isObject() && text.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024) {
            // Another JSON object after the subscribe is ignored: the socket stays and is served.
            JsonNode next = socket.nextOrNull(Duration.ofMillis(20));
            assertThat(next == null || Set.of("update", "progress", "ping").contains(next.path("event").asText()))
                    .as(String.valueOf(next)).isTrue();
            assertThat(socket.isOpen()).as("open after " + text).isTrue();
            socket.close();
        } else {
            assertErrorThenClose(socket, text);
        }
        client.check();
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void randomBinaryFrames(@ForAll("bytes") byte[] bytes, @ForAll boolean subscribedFirst) {
        Socket socket = server.socket();
        if (subscribedFirst) {
            socket.subscribe();
            assertThat(control(socket).path("event").asText()).isEqualTo("ready");
        }
        socket.sendBinary(bytes);
        JsonNode error = control(socket);
        assertThat(error.path("data").path("code").asText()).as(error.toString()).isEqualTo("invalid_frame");
        assertThat(socket.closeCode()).isEqualTo(1007);
        client.check();
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void textFramesThatAreNotUtf8(@ForAll("invalidUtf8") byte[] payload) throws IOException {
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendText(payload);
            RawWebSocket.Closed closed = raw.awaitClose();
            assertThat(closed.code()).as("close after bad UTF-8; sent before: " + closed.textBefore()).isEqualTo(1007);
        }
        client.check();
    }

    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void rawBytesThatAreNotFrames(@ForAll("bytes") byte[] garbage) throws IOException {
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendRaw(garbage);
            // Then zeros: they fill whatever length the garbage announced, and are themselves a broken
            // frame (a continuation with nothing to continue), so the server has to end it now.
            raw.sendRaw(new byte[70 * 1024]);
            RawWebSocket.Closed closed = raw.awaitClose();
            // Any protocol close (a garbage close frame may even carry its own code), but never a server error.
            assertThat(closed.code()).as("close code; sent before: " + closed.textBefore()).isNotEqualTo(1011);
        }
        client.check();
        assertThat(server.http().get("/api/health").status()).isEqualTo(200);
    }

    @Property(tries = 12, shrinking = ShrinkingMode.OFF)
    void hugeFrames(@ForAll("hugeSizes") int size, @ForAll boolean subscribedFirst) {
        Socket socket = server.socket();
        if (subscribedFirst) {
            socket.subscribe();
            assertThat(control(socket).path("event").asText()).isEqualTo("ready");
        }
        String text = "{\"token\":\"stream\",\"pad\":\"" + "x".repeat(size) + "\"}";
        try {
            socket.send(text);
        } catch (RuntimeException e) {
            // Jetty may close (1009) while a frame over its own limit is still being written.
        }
        if (text.length() > 1024 * 1024) {
            // Past 1 MiB Jetty itself refuses the message with 1009, before the endpoint sees it;
            // the client may still be writing then, and see the connection broken instead.
            try {
                assertThat(socket.closeCode()).isEqualTo(1009);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class);
            }
        } else if (text.length() > 64 * 1024) {
            assertErrorThenClose(socket, "(" + size + " bytes)");
            assertThat(socket.closeCode()).isEqualTo(1009);
        } else if (!subscribedFirst) {
            JsonNode first = control(socket);
            assertThat(first.path("event").asText()).isEqualTo("ready");
        }
        client.check();
    }

    @Provide
    Arbitrary<Integer> hugeSizes() {
        return Arbitraries.of(60 * 1024, 64 * 1024, 65 * 1024, 200 * 1024, 1024 * 1024, 1536 * 1024);
    }

    // ---- checks ----

    private static void assertRejectedOrServed(Socket socket, String sent) {
        JsonNode first = control(socket);
        String event = first.path("event").asText();
        if (event.equals("ready") || event.equals("reset")) {
            socket.close(); // it happened to be a valid subscribe
            return;
        }
        assertThat(event).as("first frame after " + abbreviate(sent) + ": " + first).isEqualTo("error");
        assertThat(first.path("data").path("code").asText()).isIn(ERROR_CODES);
        assertThat(first.path("data").path("message").asText()).isNotBlank();
        assertThat(socket.closeCode()).as("close code after " + abbreviate(sent)).isIn(CLOSE_CODES);
        client.check();
    }

    private static void assertErrorThenClose(Socket socket, String sent) {
        JsonNode first = control(socket);
        assertThat(first.path("event").asText()).as("after " + abbreviate(sent) + ": " + first).isEqualTo("error");
        assertThat(first.path("data").path("code").asText()).isIn(ERROR_CODES);
        assertThat(socket.closeCode()).isIn(CLOSE_CODES);
    }

    /**
     * The next frame that is not a ping, an update or a progress: in open mode every socket is the one
     * local user's and also carries the well-formed client's results.
     */
    private static JsonNode control(Socket socket) {
        while (true) {
            JsonNode frame = socket.next();
            String event = frame.path("event").asText();
            if (!event.equals("ping") && !event.equals("update") && !event.equals("progress")) {
                return frame;
            }
        }
    }

    private static JsonNode parse(String text) {
        try {
            return SERVERS_JSON.readTree(text); // as strict as the server's: duplicate keys, trailing tokens
        } catch (Exception e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…(" + s.length() + " chars)" : s;
    }
}
