package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Fuzz;
import dev.lanechat.server.support.FuzzedServer;
import dev.lanechat.server.support.RawWebSocket;
import dev.lanechat.server.support.Socket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing {@code /ws} (plain JUnit, a seeded {@link Fuzz} generator; each try is a dynamic test, and a
 * failure names the seed and the try that repeat it): random text and binary frames, frames that are not UTF-8, huge
 * frames, raw bytes that are not WebSocket frames at all, before and after the subscribe. The
 * server answers with the contract's error event and close code (1007, 1009, 4401; Jetty's own 1002
 * for a broken framing), never 1011, never crashes, and a well-formed client with its own socket
 * keeps getting its events the whole time.
 */
class SocketFuzzTest {
    private static final int TRIES = 200;
    private static final Set<String> ERROR_CODES = Set.of("invalid_frame", "payload_too_large", "unauthenticated");
    private static final Set<Integer> CLOSE_CODES = Set.of(1007, 1009, 4401);

    private static final com.fasterxml.jackson.databind.ObjectMapper SERVERS_JSON =
            dev.lanechat.server.json.Json.newMapper();

    @RegisterExtension
    static final FuzzedServer fuzzed = new FuzzedServer("socket-fuzz");

    // ---- generators ----

    /** Text a JDK client can send (well-formed UTF-16): random, JSON-like, and subscribes with wrong types. */
    private static String text(Fuzz f) {
        Supplier<String> random = () -> f.string(200, Fuzz.UNICODE); // no lone surrogates
        Supplier<String> jsonish = () -> f.string(60, Fuzz.chars("{}[]\":,0123456789.-eE tnrufalsx\\"));
        Supplier<String> value = () -> f.oneOf(
                "\"stream\"",
                "\"\"",
                "null",
                "1",
                "-1",
                "1.5",
                "true",
                "[]",
                "{}",
                "\"lc_nope\"",
                "99999999999999999999999",
                "\"1\"",
                "1e400");
        Supplier<String> subscribe = () -> {
            String s;
            do {
                s = "{\"" + f.oneOf("token", "tokn", "since", "TOKEN") + "\":" + value.get() + ",\"since\":"
                        + value.get() + "}";
            } while (s.startsWith("{\"token\":\"")); // a textual token is a valid subscribe in open mode
            return s;
        };
        Supplier<String> nested = () -> {
            int n = f.between(1, 5000);
            return "{\"a\":".repeat(n) + "1" + "}".repeat(n);
        };
        return f.either(random, jsonish, subscribe, nested);
    }

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff},
        {(byte) 0xc0, (byte) 0xaf},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x28, (byte) 0xa1},
        {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0x80}
    };

    /** Text payloads that are not UTF-8: ASCII with at least one invalid sequence in it. */
    private static byte[] invalidUtf8(Fuzz f) {
        return Fuzz.concat(
                f.string(50, Fuzz.ASCII).getBytes(StandardCharsets.US_ASCII),
                f.oneOf(BAD_UTF8),
                f.string(50, Fuzz.ASCII).getBytes(StandardCharsets.US_ASCII));
    }

    // ---- properties ----

    @TestFactory
    Stream<DynamicTest> randomTextAsTheFirstFrame() {
        return Fuzz.tries("SocketFuzzTest.randomTextAsTheFirstFrame", TRIES, f -> {
            String text = f.show("text", text(f));
            Socket socket = fuzzed.server().socket();
            socket.send(text);
            assertRejectedOrServed(socket, text);
        });
    }

    @TestFactory
    Stream<DynamicTest> randomTextAfterTheSubscribe() {
        return Fuzz.tries("SocketFuzzTest.randomTextAfterTheSubscribe", TRIES, f -> {
            String text = f.show("text", text(f));
            Socket socket = fuzzed.server().socket().subscribe();
            assertThat(control(socket).path("event").asText()).isEqualTo("ready");
            socket.send(text);
            JsonNode parsed = parse(text);
            if (parsed != null && parsed.isObject() && text.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024) {
                // Another JSON object after the subscribe is ignored: the socket stays and is served.
                JsonNode next = socket.nextOrNull(Duration.ofMillis(20));
                assertThat(next == null
                                || Set.of("update", "progress", "ping")
                                        .contains(next.path("event").asText()))
                        .as(String.valueOf(next))
                        .isTrue();
                assertThat(socket.isOpen()).as("open after " + abbreviate(text)).isTrue();
                socket.close();
            } else {
                assertErrorThenClose(socket, text);
            }
            fuzzed.checkWellFormedClient();
        });
    }

    @TestFactory
    Stream<DynamicTest> randomBinaryFrames() {
        return Fuzz.tries("SocketFuzzTest.randomBinaryFrames", TRIES, f -> {
            byte[] bytes = f.show("bytes", f.bytes(2000));
            boolean subscribedFirst = f.show("subscribed first", f.bool());
            Socket socket = fuzzed.server().socket();
            if (subscribedFirst) {
                socket.subscribe();
                assertThat(control(socket).path("event").asText()).isEqualTo("ready");
            }
            socket.sendBinary(bytes);
            JsonNode error = control(socket);
            assertThat(error.path("data").path("code").asText())
                    .as(error.toString())
                    .isEqualTo("invalid_frame");
            assertThat(socket.closeCode()).isEqualTo(1007);
            fuzzed.checkWellFormedClient();
        });
    }

    @TestFactory
    Stream<DynamicTest> textFramesThatAreNotUtf8() {
        return Fuzz.tries("SocketFuzzTest.textFramesThatAreNotUtf8", 100, f -> {
            byte[] payload = f.show("payload", invalidUtf8(f));
            try (RawWebSocket raw = RawWebSocket.open(fuzzed.server().port())) {
                raw.sendText(payload);
                RawWebSocket.Closed closed = raw.awaitClose();
                assertThat(closed.code())
                        .as("close after bad UTF-8; sent before: " + closed.textBefore())
                        .isEqualTo(1007);
            }
            fuzzed.checkWellFormedClient();
        });
    }

    @TestFactory
    Stream<DynamicTest> rawBytesThatAreNotFrames() {
        return Fuzz.tries("SocketFuzzTest.rawBytesThatAreNotFrames", 100, f -> {
            byte[] garbage = f.show("garbage", f.bytes(2000));
            try (RawWebSocket raw = RawWebSocket.open(fuzzed.server().port())) {
                raw.sendRaw(garbage);
                // Then zeros: they fill whatever length the garbage announced, and are themselves a broken
                // frame (a continuation with nothing to continue), so the server has to end it now.
                raw.sendRaw(new byte[70 * 1024]);
                RawWebSocket.Closed closed = raw.awaitClose();
                // Any protocol close (a garbage close frame may even carry its own code), but never a server error.
                assertThat(closed.code())
                        .as("close code; sent before: " + closed.textBefore())
                        .isNotEqualTo(1011);
            }
            fuzzed.checkWellFormedClient();
            assertThat(fuzzed.server().http().get("/api/health").status()).isEqualTo(200);
        });
    }

    private static final int[] HUGE_SIZES = {60 * 1024, 64 * 1024, 65 * 1024, 200 * 1024, 1024 * 1024, 1536 * 1024};

    /** Every size, with and without a subscribe first: 12 tries, no randomness. */
    @TestFactory
    Stream<DynamicTest> hugeFrames() {
        return Fuzz.tries("SocketFuzzTest.hugeFrames", 2 * HUGE_SIZES.length, f -> {
            int size = f.show("size", HUGE_SIZES[(f.tryNumber() - 1) / 2]);
            boolean subscribedFirst = f.show("subscribed first", f.tryNumber() % 2 == 0);
            hugeFrame(size, subscribedFirst);
        });
    }

    private static void hugeFrame(int size, boolean subscribedFirst) {
        Socket socket = fuzzed.server().socket();
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
        if (text.length() > 64 * 1024) {
            // Jetty's own limit is the contract's 64 KiB: it closes with 1009 before the endpoint
            // sees the frame (no error event first); the client may still be writing then, and see
            // the connection broken instead.
            try {
                assertThat(socket.closeCode()).isEqualTo(1009);
            } catch (java.util.concurrent.CompletionException e) {
                assertThat(e.getCause()).isInstanceOf(IOException.class);
            }
        } else if (!subscribedFirst) {
            JsonNode first = control(socket);
            assertThat(first.path("event").asText()).isEqualTo("ready");
        }
        fuzzed.checkWellFormedClient();
    }

    // ---- checks ----

    private static void assertRejectedOrServed(Socket socket, String sent) {
        JsonNode first = control(socket);
        String event = first.path("event").asText();
        if (event.equals("ready") || event.equals("reset")) {
            socket.close(); // it happened to be a valid subscribe
            return;
        }
        assertThat(event)
                .as("first frame after " + abbreviate(sent) + ": " + first)
                .isEqualTo("error");
        assertThat(first.path("data").path("code").asText()).isIn(ERROR_CODES);
        assertThat(first.path("data").path("message").asText()).isNotBlank();
        assertThat(socket.closeCode())
                .as("close code after " + abbreviate(sent))
                .isIn(CLOSE_CODES);
        fuzzed.checkWellFormedClient();
    }

    private static void assertErrorThenClose(Socket socket, String sent) {
        JsonNode first = control(socket);
        assertThat(first.path("event").asText())
                .as("after " + abbreviate(sent) + ": " + first)
                .isEqualTo("error");
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
