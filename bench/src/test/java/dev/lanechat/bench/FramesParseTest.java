package dev.lanechat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The generator's cheap frame reads, on frames as the server writes them. */
class FramesParseTest {
    @Test
    void retryAfterOfAnErrorFrameOrNone() {
        assertThat(Frames.retryAfterMs("{\"event\":\"error\",\"data\":{\"code\":\"shutting_down\","
                        + "\"message\":\"The server is shutting down; reconnect shortly.\",\"retry_after_ms\":3250}}"))
                .isEqualTo(3250);
        assertThat(Frames.retryAfterMs(
                        "{\"event\":\"error\",\"data\":{\"code\":\"invalid_frame\",\"message\":\"No.\"}}"))
                .isEqualTo(-1);
    }
}
