package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Fuzz;
import dev.lanechat.server.support.FuzzedServer;
import dev.lanechat.server.support.Http;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzing the REST API (plain JUnit, a seeded {@link Fuzz} generator; each try is a dynamic test, and a
 * failure names the seed and the try that repeat it): random and malformed JSON, wrong types, huge strings, invalid
 * UTF-8, random content types and headers, random query values, and raw HTTP at send, create,
 * rename, session and events. Never a 5xx; every error has the contract's shape and code (the
 * {@link Http} harness checks both on every answer); and a well-formed client, sending and
 * receiving on its socket on another thread the whole time, is served throughout.
 */
class ApiFuzzTest {
    private static final int TRIES = 200;
    // 403: a random Origin header is a foreign page's (SameOriginGuard).
    private static final Set<Integer> ALLOWED = Set.of(200, 201, 202, 204, 400, 403, 404, 405, 409, 410, 413, 415, 429);

    @RegisterExtension
    static final FuzzedServer fuzzed = new FuzzedServer("api-fuzz");

    static Http http;
    static String target;

    @BeforeAll
    static void createTarget() {
        http = fuzzed.server().http();
        target = http.createConversation().path("id").asText();
    }

    // ---- generators ----

    private static String jsonPath(Fuzz f) {
        return f.oneOf(
                "/api/conversations",
                "/api/conversations/{c}",
                "/api/conversations/{c}/messages",
                "/api/conversations/{c}/switch",
                "/api/session",
                "/api/tasks/{c}/cancel");
    }

    /** Values of every JSON type, some of them huge or odd. */
    private static String jsonValue(Fuzz f) {
        Supplier<String> strings = () -> quote(f.string(40, Fuzz.UNICODE_AND_LONE_SURROGATES));
        Supplier<String> huge = () -> quote("x".repeat(f.between(30 * 1024, 70 * 1024)));
        Supplier<String> numbers =
                () -> f.oneOf("0", "-1", "3.14", "1e999999", "-0", "123456789012345678901234567890", "NaN", "Infinity");
        Supplier<String> literals = () -> f.oneOf(
                "true",
                "false",
                "null",
                "[]",
                "{}",
                "[\"hi\"]",
                "{\"text\":\"hi\"}",
                "\"\"",
                "\"   \"",
                "\"\\u0000\"",
                "\"\\ud800\"",
                "\"demo\"",
                "\"hello there\"");
        Supplier<String> deep = () -> {
            int n = f.between(1, 3000);
            return "[".repeat(n) + "]".repeat(n);
        };
        return f.either(strings, strings, strings, huge, numbers, numbers, literals, literals, literals, deep);
    }

    /** A JSON object of the fields the API reads, each present or not, with a value of any type. */
    private static byte[] wrongTypes(Fuzz f) {
        List<String> members =
                f.list(0, 4, () -> quote(f.oneOf("content", "lane", "title", "token", "extra")) + ":" + jsonValue(f));
        return Fuzz.utf8("{" + String.join(",", members) + "}");
    }

    /** Valid request bodies with random edits: characters inserted, deleted or replaced. */
    private static byte[] mutatedJson(Fuzz f) {
        String seed = f.oneOf(
                "{\"content\":\"hello\",\"lane\":\"demo\"}", "{\"title\":\"My chat\"}", "{\"token\":\"lc_abc\"}", "{}");
        return Fuzz.utf8(f.mutate(seed, 5, Fuzz.chars("{}[]\":,\\ \u0000\u00e9\ud83d\ude00ax0-.e")));
    }

    private static final byte[][] BAD_UTF8 = {
        {(byte) 0xff},
        {(byte) 0xc0, (byte) 0x80},
        {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        {(byte) 0xe2, (byte) 0x82},
        {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xfe, (byte) 0xfe},
        {(byte) 0x80}
    };

    /** Random bytes, and JSON bodies with bytes that are not UTF-8 inside their strings. */
    private static byte[] invalidUtf8(Fuzz f) {
        if (f.bool()) {
            return f.bytes(300);
        }
        String field = f.oneOf("content", "title", "token", "lane");
        return Fuzz.concat(
                Fuzz.utf8("{\"" + field + "\":\"" + f.string(10, Fuzz.ALPHA)), f.oneOf(BAD_UTF8), Fuzz.utf8("\"}"));
    }

    private static String contentType(Fuzz f) {
        Supplier<String> known = () -> f.oneOf(
                "application/json",
                "application/json; charset=utf-8",
                "APPLICATION/JSON",
                "application/json; charset=latin1",
                "application/jsonx",
                "text/plain",
                "text/json",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "*/*",
                "application/",
                ";;;",
                "NONE");
        return f.either(known, known, () -> f.string(60, Fuzz.PRINTABLE));
    }

    private static final Set<String> RESTRICTED = Set.of(
            "connection", "content-length", "expect", "host", "upgrade", "date", "via", "warning", "from", "referer");

    /** Header pairs the JDK client lets a caller set: random names and printable values, some of ours. */
    private static List<String> headers(Fuzz f) {
        Supplier<String> randomName = () -> {
            String n;
            do {
                n = f.string(1, 20, Fuzz.mix(Fuzz.range('a', 'z'), Fuzz.range('a', 'z'), Fuzz.chars("-")));
            } while (n.startsWith("-") || n.endsWith("-") || RESTRICTED.contains(n));
            return n;
        };
        Supplier<String> ours = () -> f.oneOf(
                "Idempotency-Key",
                "Authorization",
                "Cookie",
                "Accept",
                "Accept-Charset",
                "Content-Encoding",
                "Transfer-Encoding-X",
                "X-Forwarded-Proto",
                "Origin",
                "Range");
        Supplier<String> value = () -> f.either(
                () -> f.string(80, Fuzz.PRINTABLE).strip(),
                () -> "k".repeat(f.between(0, 400)),
                () -> f.oneOf("Bearer ", "Bearer lc_x", "gzip", "bytes=0-1", "lanechat_session=ls_x", "null"));
        return f.list(0, 4, () -> List.of(f.either(ours, randomName), value.get())).stream()
                .flatMap(List::stream)
                .toList();
    }

    private static String queryValue(Fuzz f) {
        return f.either(
                () -> f.oneOf(
                        "",
                        "0",
                        "-1",
                        "1e3",
                        "NaN",
                        "99999999999999999999",
                        "9223372036854775807",
                        "0x10",
                        " 1",
                        "1 ",
                        "+1",
                        "٣"),
                () -> f.string(20, Fuzz.UNICODE_AND_LONE_SURROGATES),
                () -> String.valueOf(f.anyLong()));
    }

    /** Never a positive wait: a valid one would only make the suite slow. */
    private static String waitValue(Fuzz f) {
        return f.either(
                () -> f.oneOf("", "0", "-1", "-30", "1e3", "NaN", "99999999999999999999", "x"),
                () -> f.string(10, Fuzz.ALPHA),
                () -> String.valueOf(f.longAtMost(0)));
    }

    private static List<byte[]> rawHeaderLines(Fuzz f) {
        Supplier<byte[]> line = () -> f.either(
                () -> filterCrLf(f.bytes(60)),
                () -> Fuzz.utf8("X-Fuzz: " + f.string(60, Fuzz.PRINTABLE)),
                () -> Fuzz.utf8(f.oneOf(
                        "Idempotency-Key: ",
                        "Idempotency-Key: " + "k".repeat(300),
                        "Cookie: ;;;;=",
                        "Authorization: Bearer",
                        "Transfer-Encoding: gzip",
                        "Content-Type: text/plain",
                        "Idempotency-Key: \u00e9t\u00e9")));
        return f.list(0, 3, line);
    }

    // ---- properties ----

    @TestFactory
    Stream<DynamicTest> wrongTypesAndHugeValues() {
        return Fuzz.tries(
                "ApiFuzzTest.wrongTypesAndHugeValues",
                TRIES,
                f -> fire(f.show("path", jsonPath(f)), "application/json", f.show("body", wrongTypes(f))));
    }

    @TestFactory
    Stream<DynamicTest> malformedJson() {
        return Fuzz.tries(
                "ApiFuzzTest.malformedJson",
                TRIES,
                f -> fire(f.show("path", jsonPath(f)), "application/json", f.show("body", mutatedJson(f))));
    }

    @TestFactory
    Stream<DynamicTest> invalidUtf8AndRandomBytes() {
        return Fuzz.tries(
                "ApiFuzzTest.invalidUtf8AndRandomBytes",
                TRIES,
                f -> fire(
                        f.show("path", jsonPath(f)),
                        "application/json; charset=utf-8",
                        f.show("body", invalidUtf8(f))));
    }

    @TestFactory
    Stream<DynamicTest> randomContentTypesAndHeaders() {
        return Fuzz.tries("ApiFuzzTest.randomContentTypesAndHeaders", TRIES, f -> {
            String path = f.show("path", jsonPath(f));
            String contentType = f.show("content type", contentType(f));
            List<String> headers = f.show("headers", headers(f));
            byte[] body = f.show("body", mutatedJson(f));
            fire(path, contentType.isEmpty() ? null : contentType, body, headers.toArray(String[]::new));
        });
    }

    @TestFactory
    Stream<DynamicTest> randomQueryValuesOfTheLongPoll() {
        return Fuzz.tries("ApiFuzzTest.randomQueryValuesOfTheLongPoll", TRIES, f -> {
            String after = f.show("after", queryValue(f));
            String wait = f.show("wait_s", waitValue(f));
            Http.Response r = http.get("/api/events?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)
                    + "&wait_s=" + URLEncoder.encode(wait, StandardCharsets.UTF_8));
            assertThat(r.status()).as(r.body()).isIn(200, 400, 410);
            fuzzed.checkWellFormedClient();
        });
    }

    /** Random {@code limit} and {@code before} on both paginated reads: a page or a 400, never more than a page. */
    @TestFactory
    Stream<DynamicTest> randomQueryValuesOfThePages() {
        return Fuzz.tries("ApiFuzzTest.randomQueryValuesOfThePages", TRIES, f -> {
            String path = f.show("path", f.oneOf("/api/conversations", "/api/conversations/" + target));
            String limit = f.show("limit", queryValue(f));
            String before = f.show(
                    "before",
                    f.either(
                            () -> queryValue(f),
                            () -> f.string(40, Fuzz.PRINTABLE),
                            () -> java.util.Base64.getUrlEncoder()
                                    .encodeToString(Fuzz.utf8(f.string(60, Fuzz.PRINTABLE)))));
            StringBuilder query = new StringBuilder(path).append('?');
            if (f.bool()) {
                query.append("limit=")
                        .append(URLEncoder.encode(limit, StandardCharsets.UTF_8))
                        .append('&');
            }
            if (f.bool()) {
                query.append("before=").append(URLEncoder.encode(before, StandardCharsets.UTF_8));
            }
            Http.Response r = http.get(query.toString());
            assertThat(r.status()).as(r.body()).isIn(200, 400);
            if (r.status() == 200) {
                int size = path.equals("/api/conversations")
                        ? r.json().size()
                        : r.json().path("messages").size();
                assertThat(size).isLessThanOrEqualTo(path.equals("/api/conversations") ? 200 : 500);
            }
            fuzzed.checkWellFormedClient();
        });
    }

    /**
     * Raw HTTP/1.1 requests over TCP, where the JDK client would refuse: any header bytes (non-ASCII
     * too), a Content-Length shorter than the body. The status line must not be 5xx.
     */
    @TestFactory
    Stream<DynamicTest> rawRequests() {
        return Fuzz.tries(
                "ApiFuzzTest.rawRequests",
                100,
                f -> rawRequest(
                        f.show("path", jsonPath(f)),
                        f.show("header lines", rawHeaderLines(f)),
                        f.show("body", invalidUtf8(f)),
                        f.show("short length", f.bool())));
    }

    private static void rawRequest(String path, List<byte[]> lines, byte[] body, boolean shortLength)
            throws IOException {
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", fuzzed.server().port()), 5_000);
            tcp.setSoTimeout(10_000);
            OutputStream out = tcp.getOutputStream();
            String method = path.equals("/api/conversations/{c}") ? "PATCH" : "POST";
            int length = shortLength ? body.length / 2 : body.length;
            try {
                out.write((method + " " + path.replace("{c}", target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Connection: close\r\nContent-Type: application/json\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                for (byte[] line : lines) {
                    out.write(line);
                    out.write(new byte[] {'\r', '\n'});
                }
                out.write(("Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            } catch (java.net.SocketException e) {
                // The server answered a broken head early and closed: read that answer below.
            }
            String answer;
            try {
                InputStream in = tcp.getInputStream();
                answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            } catch (java.net.SocketException e) {
                answer = ""; // reset after an early answer that the reset discarded
            }
            if (!answer.isEmpty()) {
                assertThat(answer).startsWith("HTTP/1.1 ");
                int status = Integer.parseInt(answer.substring(9, 12));
                assertThat(status).as("status of a raw request").isLessThan(500);
            }
        }
        fuzzed.checkWellFormedClient();
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }

    private static byte[] filterCrLf(byte[] bytes) {
        byte[] copy = bytes.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == '\r' || copy[i] == '\n') {
                copy[i] = 'x';
            }
        }
        return copy;
    }

    private static void fire(String path, String contentType, byte[] body, String... headers) {
        String method = path.equals("/api/conversations/{c}") ? "PATCH" : "POST";
        Http.Response r = http.request(method, path.replace("{c}", target), contentType, body, headers);
        // The harness already asserted: not 5xx, and an error body with the code of its status.
        assertThat(r.status()).as(method + " " + path + ": " + r.body()).isIn(ALLOWED);
        if (r.status() >= 400) {
            JsonNode error = r.json().path("error");
            assertThat(error.size())
                    .as("error has code and message only: " + r.body())
                    .isEqualTo(2);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        fuzzed.checkWellFormedClient();
    }

    private static String quote(String s) {
        try {
            return Http.JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
