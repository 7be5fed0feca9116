package dev.lanechat.server.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain TCP socket, for requests no ordinary client sends: a request target
 * spelled exactly as given ({@code //api/x/../tasks;p=1/}), any {@code Host} or {@code Origin}.
 * One request per connection ({@code Connection: close}); the answer is read to the end.
 */
public final class RawHttp {
    private final String host;
    private final int port;

    public RawHttp(int port) {
        this("127.0.0.1", port);
    }

    public RawHttp(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /** An answer: the status, the headers (lower-case names) and the body as text. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return Http.JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The error code of a contract error body, or null. */
        public String errorCode() {
            try {
                JsonNode code = json().path("error").path("code");
                return code.isTextual() ? code.asText() : null;
            } catch (UncheckedIOException e) {
                return null;
            }
        }
    }

    /**
     * Sends {@code method target} with these header pairs; a {@code Host} pair replaces the default
     * {@code 127.0.0.1:port}, a {@code Connection} pair replaces {@code Connection: close}, and a
     * null body sends none.
     */
    public Answer send(String method, String target, String body, String... headers) {
        StringBuilder head =
                new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hostGiven = false;
        boolean connectionGiven = false;
        for (int i = 0; i < headers.length; i += 2) {
            hostGiven |= headers[i].equalsIgnoreCase("Host");
            connectionGiven |= headers[i].equalsIgnoreCase("Connection");
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (!hostGiven) {
            head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        }
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append(connectionGiven ? "\r\n" : "Connection: close\r\n\r\n");
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress(host, port), 5_000);
            tcp.setSoTimeout(15_000);
            OutputStream out = tcp.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(tcp.getInputStream().readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("No HTTP answer: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(),
                    (a, b) -> a + ", " + b);
        }
        byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        String body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                ? dechunk(rest)
                : new String(rest, StandardCharsets.UTF_8);
        return new Answer(status, headers, body);
    }

    private static String dechunk(byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < rest.length) {
            int lineEnd = indexOf(rest, i);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(
                    new String(rest, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.write(rest, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
