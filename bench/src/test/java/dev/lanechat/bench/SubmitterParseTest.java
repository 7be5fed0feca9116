package dev.lanechat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The generator's own HTTP/1.1 answer parser (scenario 4's and 2's submits), on whole and partial answers. */
class SubmitterParseTest {
    private static ByteBuffer received(String text) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        b.put(text.getBytes(StandardCharsets.UTF_8));
        return b; // write mode, as after channel.read
    }

    @Test
    void contentLengthBodyOnlyWhenAllOfItCame() {
        String whole = "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\nContent-Length: 33\r\n\r\n"
                + "{\"status\":\"queued\",\"task_id\":\"a\"}";
        assertThat(Submitter.parse(received(whole.substring(0, whole.length() - 1))))
                .isNull();
        Submitter.Answer a = Submitter.parse(received(whole));
        assertThat(a).isNotNull();
        assertThat(a.status()).isEqualTo(202);
        assertThat(Frames.taskId(a.body())).isEqualTo("a");
        assertThat(a.close()).isFalse();
        assertThat(Submitter.parse(received("HTTP/1.1 202 Accepted\r\nContent-Le")))
                .isNull();
    }

    @Test
    void chunkedBodyIsJoinedAndNeedsItsLastChunk() {
        String head = "HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n";
        String chunks = "a\r\n{\"task_id\"\r\n6\r\n:\"b1\"}\r\n";
        assertThat(Submitter.parse(received(head + chunks))).isNull();
        assertThat(Submitter.parse(received(head + chunks + "0\r\n"))).isNull();
        Submitter.Answer a = Submitter.parse(received(head + chunks + "0\r\n\r\n"));
        assertThat(a).isNotNull();
        assertThat(a.body()).isEqualTo("{\"task_id\":\"b1\"}");
    }

    @Test
    void retryAfterAndConnectionClose() {
        Submitter.Answer a = Submitter.parse(
                received(
                        "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"));
        assertThat(a).isNotNull();
        assertThat(a.status()).isEqualTo(429);
        assertThat(a.retryAfterSeconds()).isEqualTo(3);
        assertThat(a.close()).isTrue();
    }
}
