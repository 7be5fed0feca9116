package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the page's CSP lets it connect to its own origin and the allowed origins only (no
 * bare {@code ws: wss:}, which would let injected script send to any host).
 */
class PageSecurityHeadersTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path webDir;

    private static List<String> connectSrc(Http.Response page) {
        String csp = page.header("Content-Security-Policy");
        assertThat(csp)
                .as("CSP of the page")
                .isNotNull()
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'");
        String directive = Arrays.stream(csp.split(";"))
                .map(String::strip)
                .filter(d -> d.startsWith("connect-src "))
                .findFirst()
                .orElseThrow();
        return Arrays.asList(directive.substring("connect-src ".length()).split(" "));
    }

    @Test
    void withoutAllowedOriginsThePageConnectsToItsOwnOriginOnly() throws Exception {
        Files.writeString(webDir.resolve("index.html"), "<!doctype html><title>t</title>");
        try (TestServer server = TestServer.start(dataDir, b -> b.webDir(webDir))) {
            Http.Response page = server.http().get("/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(connectSrc(page)).containsExactly("'self'");
            assertThat(connectSrc(server.http().get("/conversations/some-client-route")))
                    .containsExactly("'self'");
        }
    }

    @Test
    void eachAllowedOriginIsNamedWithItsSocketSchemeAndNothingElse() throws Exception {
        Files.writeString(webDir.resolve("index.html"), "<!doctype html><title>t</title>");
        try (TestServer server = TestServer.start(
                dataDir,
                b -> b.webDir(webDir)
                        .allowedOrigins(List.of(
                                "https://a.example",
                                "http://LOCALHOST:5173/",
                                "https://evil.example; script-src *",
                                "*")))) {
            assertThat(connectSrc(server.http().get("/")))
                    .containsExactly(
                            "'self'",
                            "https://a.example",
                            "wss://a.example",
                            "http://localhost:5173",
                            "ws://localhost:5173");
            assertThat(server.http().get("/").header("Content-Security-Policy"))
                    .doesNotContain("evil")
                    .doesNotContain(" ws: ")
                    .doesNotContain("wss: ")
                    .doesNotContain("*");
        }
    }
}
