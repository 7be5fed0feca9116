package dev.lanechat.server.api;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Serves the web client: the bundle packed in the jar under {@code /public} (or a folder, in
 * development), with {@code index.html} for any other non-API path so that client-side routes
 * survive a reload. The page gets the security headers: a CSP without inline script, nosniff,
 * and no framing.
 */
final class WebApp {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'self'; "
            + "frame-ancestors 'none'";

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
            files.directory = webDir == null ? "/public" : webDir.toAbsolutePath().toString();
            files.location = webDir == null ? Location.CLASSPATH : Location.EXTERNAL;
        });
        return new WebApp(index);
    }

    static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        if (!ctx.path().startsWith("/api/")) {
            ctx.header("Content-Security-Policy", CSP);
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
