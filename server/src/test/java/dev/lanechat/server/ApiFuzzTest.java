package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzing the REST API with jqwik: random and malformed JSON, wrong types, huge strings, invalid
 * UTF-8, random content types and headers, random query values, and raw HTTP at send, create,
 * rename, session and events. Never a 5xx; every error has the contract's shape and code (the
 * {@link Http} harness checks both on every answer); and a well-formed client, sending and
 * receiving on its socket on another thread the whole time, is served throughout.
 */
class ApiFuzzTest {
    private static final int TRIES = 200;
    private static final Set<Integer> ALLOWED = Set.of(200, 201, 202, 204, 400, 404, 405, 409, 410, 413, 415, 429);

    static Path dataDir;
    static TestServer server;
    static Http http;
    static String target;
    static WellFormedClient client;

    @BeforeContainer
    static void start() throws IOException {
        dataDir = Files.createTempDirectory("lanechat-api-fuzz");
        // A send rate the fuzzing cannot exhaust, so that 202s and 400s are what is exercised.
        server = TestServer.start(dataDir, b -> b.sendRate(100_000, 100_000).demoDelay(Duration.ofMillis(5)));
        http = server.http();
        target = http.createConversation().path("id").asText();
        client = new WellFormedClient(server);
        client.start();
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            client.finish();
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * Sends a message every 50 ms and waits for its result on a subscribed socket, the whole time
     * the fuzzing runs; any failure is kept and fails the next try.
     */
    static final class WellFormedClient extends Thread {
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger served = new AtomicInteger();
        private final TestServer server;
        private volatile boolean stop;

        WellFormedClient(TestServer server) {
            super("well-formed-client");
            this.server = server;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                Http http = server.http();
                String conversation = http.createConversation().path("id").asText();
                Socket socket = server.socket().subscribe();
                socket.ready();
                while (!stop) {
                    String taskId = http.send(conversation, "well-formed " + served.get()).path("task_id").asText();
                    JsonNode update;
                    do {
                        update = socket.update();
                    } while (!update.path("data").path("task_id").asText().equals(taskId));
                    assertThat(update.path("data").path("type").asText()).isEqualTo("task.completed");
                    served.incrementAndGet();
                    Thread.sleep(50);
                }
            } catch (Throwable e) {
                failures.add(e.toString());
            }
        }

        void check() {
            assertThat(failures).as("the well-formed client meanwhile").isEmpty();
        }

        void finish() throws InterruptedException {
            stop = true;
            join(15_000);
            check();
            assertThat(served.get()).as("results the well-formed client got during the fuzzing").isPositive();
        }
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> jsonPaths() {
        return Arbitraries.of("/api/conversations", "/api/conversations/{c}", "/api/conversations/{c}/messages",
                "/api/session", "/api/tasks/{c}/cancel");
    }

    /** Values of every JSON type, some of them huge or odd. */
    @Provide
    Arbitrary<String> jsonValues() {
        Arbitrary<String> strings = Arbitraries.strings().ofMaxLength(40).map(ApiFuzzTest::quote);
        Arbitrary<String> huge = Arbitraries.integers().between(30 * 1024, 70 * 1024)
                .map(n -> quote("x".repeat(n)));
        Arbitrary<String> numbers = Arbitraries.of("0", "-1", "3.14", "1e999999", "-0", "123456789012345678901234567890",
                "NaN", "Infinity");
        Arbitrary<String> literals = Arbitraries.of("true", "false", "null", "[]", "{}", "[\"hi\"]", "{\"text\":\"hi\"}",
                "\"\"", "\"   \"", "\"\\u0000\"", "\"\\ud800\"", "\"demo\"", "\"hello there\"");
        Arbitrary<String> deep = Arbitraries.integers().between(1, 3000).map(n -> "[".repeat(n) + "]".repeat(n));
        return Arbitraries.oneOf(strings, strings, strings, huge, numbers, numbers, literals, literals, literals, deep);
    }

    /** A JSON object of the fields the API reads, each present or not, with a value of any type. */
    @Provide
    Arbitrary<byte[]> wrongTypes() {
        Arbitrary<String> field = Arbitraries.of("content", "lane", "title", "token", "extra");
        Arbitrary<String> member = Combinators.combine(field, jsonValues()).as((f, v) -> quote(f) + ":" + v);
        return member.list().ofMaxSize(4).map(m -> ("{" + String.join(",", m) + "}").getBytes(StandardCharsets.UTF_8));
    }

    /** Valid request bodies with random edits: characters inserted, deleted or replaced. */
    @Provide
    Arbitrary<byte[]> mutatedJson() {
        Arbitrary<String> seed = Arbitraries.of("{\"content\":\"hello\",\"lane\":\"demo\"}", "{\"title\":\"My chat\"}",
                "{\"token\":\"lc_abc\"}", "{}");
        Arbitrary<String> edits = Arbitraries.strings().withChars("{}[]\":,\\ \u0000\u00e9\ud83d\ude00ax0-.e")
                .ofMinLength(1).ofMaxLength(3);
        return Combinators.combine(seed, Arbitraries.integers().between(0, 100).list().ofMinSize(1).ofMaxSize(5),
                edits.list().ofMinSize(5).ofMaxSize(5)).as((s, positions, inserts) -> {
                    StringBuilder b = new StringBuilder(s);
                    for (int i = 0; i < positions.size(); i++) {
                        int at = positions.get(i) % (b.length() + 1);
                        if (i % 2 == 0) {
                            b.insert(at, inserts.get(i));
                        } else if (at < b.length()) {
                            b.deleteCharAt(at);
                        }
                    }
                    return b.toString().getBytes(StandardCharsets.UTF_8);
                });
    }

    /** Random bytes, and JSON bodies with bytes that are not UTF-8 inside their strings. */
    @Provide
    Arbitrary<byte[]> invalidUtf8() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> bad = Arbitraries.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
                new byte[] {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xfe, (byte) 0xfe}, new byte[] {(byte) 0x80});
        Arbitrary<byte[]> embedded = Combinators.combine(Arbitraries.of("content", "title", "token", "lane"), bad,
                Arbitraries.strings().alpha().ofMaxLength(10)).as((f, b, s) -> {
                    byte[] head = ("{\"" + f + "\":\"" + s).getBytes(StandardCharsets.UTF_8);
                    byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
                    byte[] all = new byte[head.length + b.length + tail.length];
                    System.arraycopy(head, 0, all, 0, head.length);
                    System.arraycopy(b, 0, all, head.length, b.length);
                    System.arraycopy(tail, 0, all, head.length + b.length, tail.length);
                    return all;
                });
        return Arbitraries.oneOf(random, embedded);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        Arbitrary<String> known = Arbitraries.of("application/json", "application/json; charset=utf-8",
                "APPLICATION/JSON", "application/json; charset=latin1", "application/jsonx", "text/plain", "text/json",
                "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "*/*", "application/",
                ";;;", "NONE");
        Arbitrary<String> random = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60);
        return Arbitraries.oneOf(known, known, random);
    }

    /** Header pairs the JDK client lets a caller set: random names and printable values, some of ours. */
    @Provide
    Arbitrary<List<String>> headers() {
        Arbitrary<String> names = Arbitraries.oneOf(
                Arbitraries.of("Idempotency-Key", "Authorization", "Cookie", "Accept", "Accept-Charset",
                        "Content-Encoding", "Transfer-Encoding-X", "X-Forwarded-Proto", "Origin", "Range"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(20)
                        .filter(n -> !n.startsWith("-") && !n.endsWith("-"))
                        .filter(n -> !Set.of("connection", "content-length", "expect", "host", "upgrade", "date", "via",
                                "warning", "from", "referer").contains(n)));
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(80).map(String::strip),
                Arbitraries.integers().between(0, 400).map("k"::repeat),
                Arbitraries.of("Bearer ", "Bearer lc_x", "gzip", "bytes=0-1", "lanechat_session=ls_x", "null"));
        return Combinators.combine(names, values).as(List::of).list().ofMaxSize(4)
                .map(pairs -> pairs.stream().flatMap(List::stream).toList());
    }

    // ---- properties ----

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void wrongTypesAndHugeValues(@ForAll("jsonPaths") String path, @ForAll("wrongTypes") byte[] body) {
        fire(path, "application/json", body);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void malformedJson(@ForAll("jsonPaths") String path, @ForAll("mutatedJson") byte[] body) {
        fire(path, "application/json", body);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void invalidUtf8AndRandomBytes(@ForAll("jsonPaths") String path, @ForAll("invalidUtf8") byte[] body) {
        fire(path, "application/json; charset=utf-8", body);
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void randomContentTypesAndHeaders(@ForAll("jsonPaths") String path, @ForAll("contentTypes") String contentType,
            @ForAll("headers") List<String> headers, @ForAll("mutatedJson") byte[] body) {
        fire(path, contentType.isEmpty() ? null : contentType, body, headers.toArray(String[]::new));
    }

    @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
    void randomQueryValuesOfTheLongPoll(@ForAll("queryValues") String after, @ForAll("waitValues") String wait) {
        Http.Response r = http.get("/api/events?after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)
                + "&wait_s=" + URLEncoder.encode(wait, StandardCharsets.UTF_8));
        assertThat(r.status()).as(r.body()).isIn(200, 400, 410);
        client.check();
    }

    @Provide
    Arbitrary<String> queryValues() {
        return Arbitraries.oneOf(Arbitraries.of("", "0", "-1", "1e3", "NaN", "99999999999999999999", "9223372036854775807",
                        "0x10", " 1", "1 ", "+1", "٣"),
                Arbitraries.strings().ofMaxLength(20), Arbitraries.longs().map(String::valueOf));
    }

    /** Never a positive wait: a valid one would only make the suite slow. */
    @Provide
    Arbitrary<String> waitValues() {
        return Arbitraries.oneOf(Arbitraries.of("", "0", "-1", "-30", "1e3", "NaN", "99999999999999999999", "x"),
                Arbitraries.strings().alpha().ofMaxLength(10), Arbitraries.longs().lessOrEqual(0).map(String::valueOf));
    }

    /**
     * Raw HTTP/1.1 requests over TCP, where the JDK client would refuse: any header bytes (non-ASCII
     * too), a Content-Length shorter than the body. The status line must not be 5xx.
     */
    @Property(tries = 100, shrinking = ShrinkingMode.BOUNDED)
    void rawRequests(@ForAll("jsonPaths") String path, @ForAll("rawHeaderLines") List<byte[]> lines,
            @ForAll("invalidUtf8") byte[] body, @ForAll boolean shortLength) throws IOException {
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            tcp.setSoTimeout(10_000);
            OutputStream out = tcp.getOutputStream();
            String method = path.equals("/api/conversations/{c}") ? "PATCH" : "POST";
            int length = shortLength ? body.length / 2 : body.length;
            try {
                out.write((method + " " + path.replace("{c}", target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: close\r\nContent-Type: application/json\r\n").getBytes(StandardCharsets.US_ASCII));
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
        client.check();
        assertThat(http.get("/api/health").status()).isEqualTo(200);
    }

    @Provide
    Arbitrary<List<byte[]>> rawHeaderLines() {
        Arbitrary<byte[]> line = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(60)
                        .map(b -> filterCrLf(b)),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60)
                        .map(s -> ("X-Fuzz: " + s).getBytes(StandardCharsets.UTF_8)),
                Arbitraries.of("Idempotency-Key: ", "Idempotency-Key: " + "k".repeat(300), "Cookie: ;;;;=",
                        "Authorization: Bearer", "Transfer-Encoding: gzip", "Content-Type: text/plain",
                        "Idempotency-Key: \u00e9t\u00e9").map(s -> s.getBytes(StandardCharsets.UTF_8)));
        return line.list().ofMaxSize(3);
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
            assertThat(error.size()).as("error has code and message only: " + r.body()).isEqualTo(2);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        client.check();
    }

    private static String quote(String s) {
        try {
            return Http.JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
