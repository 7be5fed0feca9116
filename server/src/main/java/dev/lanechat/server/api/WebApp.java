package dev.lanechat.server.api;

import dev.lanechat.server.logging.LogText;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the web client: the bundle packed in the jar under {@code /public} (or a folder, in
 * development), with {@code index.html} for any other non-API path so that client-side routes
 * survive a reload. The page gets the security headers: a CSP without inline script, nosniff,
 * and no framing.
 */
final class WebApp {
    private static final Logger log = LoggerFactory.getLogger(WebApp.class);
    /** An origin as a browser sends it: scheme, host (or bracketed IPv6) and optional port, nothing else. */
    private static final Pattern ORIGIN = Pattern.compile("(https?)://([a-z0-9.-]+|\\[[0-9a-f:.]+\\])(:[0-9]{1,5})?");

    private static final Pattern PAGE_PATH = Pattern.compile("/|(/(?!\\.\\.?(/|$))[A-Za-z0-9._~-]+)+/?");

    private final byte[] indexHtml;

    private WebApp(byte[] indexHtml) {
        this.indexHtml = indexHtml;
    }

    /** Registers the static files; null (nothing to serve) when there is no bundle. */
    static WebApp register(JavalinConfig config, Path webDir) {
        byte[] index = webDir == null ? classpathIndex() : fileIndex(webDir);
        if (index == null) {
            return null;
        }
        config.staticFiles.add(files -> {
            files.hostedPath = "/";
            files.directory =
                    webDir == null ? "/public" : webDir.toAbsolutePath().toString();
            files.location = webDir == null ? Location.CLASSPATH : Location.EXTERNAL;
        });
        return new WebApp(index);
    }

    /**
     * The page's CSP. {@code connect-src} names the page's own origin ({@code 'self'}, which in CSP
     * Level 3 also covers ws: and wss: to the same host and port) and each allowed origin with its
     * socket scheme ({@code https://a.example} adds {@code wss://a.example}); no bare {@code ws:}
     * {@code wss:}, which let a page that runs injected script talk to any host.
     */
    static String contentSecurityPolicy(List<String> allowedOrigins) {
        StringBuilder connect = new StringBuilder("'self'");
        for (String configured : allowedOrigins) {
            String origin = configured.strip().toLowerCase(Locale.ROOT);
            origin = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
            Matcher m = ORIGIN.matcher(origin);
            if (!m.matches()) {
                // It could not match a browser's Origin header either; in a header it could add directives.
                log.warn(
                        "Allowed origin '{}' is not scheme://host[:port]; it is left out of the page's CSP",
                        LogText.clean(configured));
                continue;
            }
            String rest = origin.substring(m.group(1).length());
            connect.append(' ')
                    .append(origin)
                    .append(' ')
                    .append(m.group(1).equals("https") ? "wss" : "ws")
                    .append(rest);
        }
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                + "img-src 'self' data:; connect-src " + connect + "; object-src 'none'; base-uri 'self'; "
                + "frame-ancestors 'none'";
    }

    /** The headers of every answer; a page (any path outside /api/) also gets {@code csp}. */
    static void securityHeaders(Context ctx, String csp) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (!ctx.path().startsWith("/api/")) {
            ctx.header("Content-Security-Policy", csp);
            ctx.header("X-Frame-Options", "DENY");
        }
    }

    /**
     * Whether a path that matched no route may be answered with the page (a client-side route):
     * only a plain path (letters, digits, {@code - _ . ~} in single-slash segments, no dot
     * segments) whose first segment is not {@code api}, {@code ws} or {@code metrics} in any case.
     * Every other spelling (percent-encoding, {@code ;params}, {@code //}, {@code ..}, a backslash)
     * gets the JSON 404, so no spelling of an API path is answered with a 200 page.
     */
    static boolean isPagePath(String path) {
        if (!PAGE_PATH.matcher(path).matches()) {
            return false;
        }
        String first = path.substring(1).split("/", 2)[0].toLowerCase(Locale.ROOT);
        return !(first.equals("api") || first.equals("ws") || first.equals("metrics"));
    }

    /** Answers a GET of a client-side route with the page. */
    void index(Context ctx) {
        ctx.status(200).contentType("text/html; charset=utf-8").result(indexHtml);
    }

    private static byte[] classpathIndex() {
        try (InputStream in = WebApp.class.getResourceAsStream("/public/index.html")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] fileIndex(Path dir) {
        try {
            Path index = dir.resolve("index.html");
            return Files.exists(index) ? Files.readAllBytes(index) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
