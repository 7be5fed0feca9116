// The Retry-After header as LanechatClient reads it from a real HTTP answer: a reverse proxy in
// front of the server (an outside part, so a stand-in: the JDK's HttpServer) answers 503 with
// either form; the exception carries the wait, measured against the client's clock for a date.
package dev.lanechat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryAfterHeaderTest {
    private final Clock noon = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    private HttpServer proxy;
    private volatile String retryAfter;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    private LanechatClient client() throws IOException {
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            byte[] page = "<html>down for maintenance</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(503, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        proxy.start();
        return LanechatClient.builder()
                .url("http://127.0.0.1:" + proxy.getAddress().getPort())
                .clock(noon)
                .build();
    }

    private LanechatApiException refusal(LanechatClient api) {
        return catchThrowableOfType(api::conversations, LanechatApiException.class);
    }

    @Test
    void readsSecondsAndAnHttpDateAndIgnoresNonsense() throws IOException {
        LanechatClient api = client();
        retryAfter = "7";
        LanechatApiException e = refusal(api);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("http_503"); // an HTML body: no protocol error code
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));

        retryAfter = "Tue, 01 Dec 2026 12:00:30 GMT";
        assertThat(refusal(api).retryAfter()).contains(Duration.ofSeconds(30));

        retryAfter = "Tue, 01 Dec 2026 11:00:00 GMT"; // already past
        assertThat(refusal(api).retryAfter()).contains(Duration.ZERO);

        retryAfter = "later";
        assertThat(refusal(api).retryAfter()).isEmpty();

        retryAfter = null;
        assertThat(refusal(api).retryAfter()).isEmpty();
    }
}
