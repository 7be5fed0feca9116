package dev.lanechat.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * The server's own frames are written in one order, {@code event} first, as every frame in
 * protocol.md is. Clients that sort frames by their start (the bench's generator, cheap scanners)
 * depend on it; a {@code Map.of} made the order of the error frame differ from one JVM to the next
 * (its iteration order is salted per JVM), so this test failed in about half of the JVMs before.
 */
class FramesTest {
    private final Frames frames = new Frames(new ObjectMapper());

    @Test
    void errorFrameIsEventFirstThenDataInContractOrder() {
        assertThat(frames.error("over_capacity", "Retry later.", 5000L))
                .isEqualTo("{\"event\":\"error\",\"data\":{\"code\":\"over_capacity\",\"message\":\"Retry later.\","
                        + "\"retry_after_ms\":5000}}");
        assertThat(frames.error("invalid_frame", "No.", null))
                .isEqualTo("{\"event\":\"error\",\"data\":{\"code\":\"invalid_frame\",\"message\":\"No.\"}}");
    }
}
