package dev.lanechat.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.RawWebSocket;
import dev.lanechat.server.support.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link TextSocket} does in place of Jetty's WebSocket API layer, on a real server over a raw
 * socket: a text message in fragments (a UTF-8 character split between two of them) is one frame
 * to the protocol; fragments over 64 KiB together close with 1009; invalid UTF-8 across fragments
 * with 1007; a binary message in fragments is refused at its first one with the protocol's error
 * and 1007.
 */
class TextSocketTest {
    private static final int TEXT = 0x01;
    private static final int BINARY = 0x02;
    private static final int CONTINUATION = 0x00;
    private static final int FIN = 0x80;

    @TempDir
    static Path dataDir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /**
     * Put together, the fragments are one JSON object whose token is not a string: the subscribe's
     * own error ("The first frame must be …"), not the one for text that is not JSON.
     */
    @Test
    void aFrameInFragmentsIsReadAsOne() throws Exception {
        byte[] frame = "{\"token\":5,\"pad\":\"é€\"}".getBytes(StandardCharsets.UTF_8);
        int split = indexOf(frame, (byte) 0xc3) + 1; // inside "é"
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendFrame(TEXT, Arrays.copyOfRange(frame, 0, 5));
            raw.sendFrame(CONTINUATION, Arrays.copyOfRange(frame, 5, split));
            raw.sendFrame(FIN | CONTINUATION, Arrays.copyOfRange(frame, split, frame.length));
            RawWebSocket.Closed closed = raw.awaitClose();
            assertThat(closed.textBefore()).contains("\"invalid_frame\"").contains("The first frame must be");
            assertThat(closed.code()).isEqualTo(1007);
        }
    }

    @Test
    void fragmentsOver64KiBTogetherClose1009() throws Exception {
        byte[] part = new byte[40 * 1024];
        Arrays.fill(part, (byte) 'x');
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendFrame(TEXT, part);
            raw.sendFrame(FIN | CONTINUATION, part);
            RawWebSocket.Closed closed = raw.awaitClose();
            assertThat(closed.code()).isEqualTo(1009);
            assertThat(closed.textBefore()).isEmpty();
        }
    }

    @Test
    void aBinaryMessageInFragmentsIsRefusedAtItsFirst() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendFrame(BINARY, new byte[] {1, 2});
            raw.sendFrame(FIN | CONTINUATION, new byte[] {3, 4});
            RawWebSocket.Closed closed = raw.awaitClose();
            assertThat(closed.textBefore()).contains("\"invalid_frame\"");
            assertThat(closed.code()).isEqualTo(1007);
        }
    }

    @Test
    void invalidUtf8SplitOverFragmentsCloses1007() throws Exception {
        try (RawWebSocket raw = RawWebSocket.open(server.port())) {
            raw.sendFrame(TEXT, "{\"token\":\"".getBytes(StandardCharsets.US_ASCII));
            raw.sendFrame(FIN | CONTINUATION, new byte[] {(byte) 0xc3, (byte) 0x28, '"', '}'});
            RawWebSocket.Closed closed = raw.awaitClose();
            assertThat(closed.code()).isEqualTo(1007);
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("not in the bytes");
    }
}
