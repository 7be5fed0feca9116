package dev.lanechat.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogTextTest {
    @Test
    void controlsBecomeQuestionMarksAndTheLengthIsCapped() {
        assertThat(LogText.clean("a\r\nb\tc\u001b[31md\u0085e\u2028f\u2029g")).isEqualTo("a??b?c?[31md?e?f?g");
        assertThat(LogText.clean("x".repeat(500)))
                .hasSize(LogText.MAX_CHARS + 1)
                .endsWith("x…");
        assertThat(LogText.clean("ab\uD83D\uDE00", 3)).isEqualTo("ab?…"); // no half of a surrogate pair
        assertThat(LogText.clean("ab\uD83D\uDE00", 4)).isEqualTo("ab\uD83D\uDE00");
        assertThat(LogText.clean(null)).isEqualTo("null");
    }
}
