package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.RawWebSocket;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starvation: what clients that never finish (idle sockets that do not subscribe, bodies sent a
 * byte at a time) can hold, and that the server keeps serving everyone else meanwhile.
 */
class StarvationTest {
    private static final int SLOW_SENDERS = 300;
    private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PENDING_TIMEOUT = Duration.ofSeconds(4);

    @TempDir
    Path dataDir;

    @Test
    void fiftyUnauthenticatedSocketsFromOneAddressDoNotKeepAUserOut() throws Exception {
        try (TestServer server = TestServer.start(
                dataDir,
                b -> b.auth(AuthMode.TOKEN)
                        .maxSockets(20)
                        .maxPendingSockets(20, 16)
                        .pendingSubscribeTimeout(PENDING_TIMEOUT))) {
            String token = TokenUsers.add(dataDir, "ada");
            List<RawWebSocket> fromTwo = new ArrayList<>();
            List<RawWebSocket> fromThree = new ArrayList<>();
            try {
                // 50 sockets from 127.0.0.2 that never subscribe: 16 wait (the per-address cap),
                // the other 34 are refused at once (which ones: the order Jetty opens them in).
                long opened = System.nanoTime();
                for (int i = 0; i < 50; i++) {
                    fromTwo.add(RawWebSocket.openFrom("127.0.0.2", server.port()));
                }

                // The user, token in the subscribe frame, still gets in (pending until that frame).
                Socket mine = server.socket().send("{\"token\":\"" + token + "\"}");
                assertThat(mine.ready()).isZero();

                // 10 more from 127.0.0.3: 4 fit under the cap of 20 pending sockets in all, 6 are refused.
                for (int i = 0; i < 10; i++) {
                    fromThree.add(RawWebSocket.openFrom("127.0.0.3", server.port()));
                }

                // The user's socket is served meanwhile.
                Http ada = server.http().withBearer(token);
                ada.send(ada.createConversation().path("id").asText(), "hello");
                assertThat(mine.update().path("id").asLong()).isEqualTo(1);

                // Refused: over_capacity with retry_after_ms, 1013. Waiting: closed 4408 with
                // subscribe_timeout after the short timeout.
                assertThat(closes(fromTwo))
                        .containsEntry(1013, 34)
                        .containsEntry(4408, 16)
                        .hasSize(2);
                assertThat(closes(fromThree))
                        .containsEntry(1013, 6)
                        .containsEntry(4408, 4)
                        .hasSize(2);
                long afterMs = (System.nanoTime() - opened) / 1_000_000;
                assertThat(afterMs).isBetween(PENDING_TIMEOUT.toMillis() - 100, PENDING_TIMEOUT.toMillis() + 5_000);
                assertThat(mine.isOpen()).isTrue();

                // Their places are free again: 16 more from 127.0.0.2 wait, the 17th is refused.
                for (int i = 0; i < 16; i++) {
                    fromTwo.add(RawWebSocket.openFrom("127.0.0.2", server.port()));
                }
                Thread.sleep(300); // Jetty has opened (and counted) them all
                try (RawWebSocket over = RawWebSocket.openFrom("127.0.0.2", server.port())) {
                    assertThat(over.awaitClose().code()).isEqualTo(1013);
                }
            } finally {
                fromTwo.forEach(RawWebSocket::close);
                fromThree.forEach(RawWebSocket::close);
            }
        }
    }

    /** How many of these sockets the server closed with each code, checking the error event before each. */
    private static java.util.Map<Integer, Integer> closes(List<RawWebSocket> sockets) throws IOException {
        java.util.Map<Integer, Integer> byCode = new java.util.TreeMap<>();
        for (RawWebSocket socket : sockets) {
            RawWebSocket.Closed closed = socket.awaitClose();
            if (closed.code() == 1013) {
                assertThat(closed.textBefore()).contains("\"over_capacity\"").contains("\"retry_after_ms\"");
            } else if (closed.code() == 4408) {
                assertThat(closed.textBefore()).contains("\"subscribe_timeout\"");
            }
            byCode.merge(closed.code(), 1, Integer::sum);
        }
        return byCode;
    }

    @Test
    void aUserHoldsAtMostItsCapOfSocketsAndAnotherUserStillGetsIn() {
        try (TestServer server =
                TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).maxSocketsPerUser(3))) {
            String ada = TokenUsers.add(dataDir, "ada");
            String bob = TokenUsers.add(dataDir, "bob");
            List<Socket> adas = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket socket = i == 0
                        ? server.socket().send("{\"token\":\"" + ada + "\"}")
                        : server.socket("Authorization", "Bearer " + ada).subscribe();
                assertThat(socket.ready()).isZero();
                adas.add(socket);
            }
            // The 4th: refused when its subscribe frame names the user…
            Socket fourth = server.socket().send("{\"token\":\"" + ada + "\"}");
            JsonNode error = fourth.nextNonPing();
            assertThat(error.path("data").path("code").asText())
                    .as(error.toString())
                    .isEqualTo("over_capacity");
            assertThat(error.path("data").path("retry_after_ms").asLong()).isPositive();
            assertThat(fourth.closeCode()).isEqualTo(1013);
            // …and at once when its upgrade does, before any subscribe.
            TokenAuthTest.assertErrorThenClose(server.socket("Authorization", "Bearer " + ada), "over_capacity", 1013);

            // Another user is not affected.
            assertThat(server.socket("Authorization", "Bearer " + bob)
                            .subscribe()
                            .ready())
                    .isZero();

            // Once one of the user's sockets closes, the user gets in again.
            adas.get(1).close();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        Socket next = server.socket().send("{\"token\":\"" + ada + "\"}");
                        return next.nextNonPing().path("event").asText().equals("ready");
                    });
        }
    }

    @Test
    void threeHundredSlowSendersDoNotStallHealthAndAreDropped() throws Exception {
        try (TestServer server = TestServer.start(dataDir, b -> b.bodyReadTimeout(BODY_READ_TIMEOUT))) {
            slowSendersAttack(server, "/api/conversations", null);
        }
    }

    @Test
    void aBodyThatTricklesInFasterThanTheReadTimeoutIsStillDropped() throws Exception {
        try (TestServer server = TestServer.start(dataDir, b -> b.bodyReadTimeout(BODY_READ_TIMEOUT))) {
            // A byte every 500 ms: no read waits the 2 s of the timeout, but 2 bytes a second is
            // far under the minimum rate, so the body is refused a little after 2 s.
            SlowSender trickle = new SlowSender(server.port(), "/api/conversations");
            try {
                for (int i = 0; i < 20 && !trickle.ended(); i++) {
                    Thread.sleep(500);
                    trickle.send(" ");
                }
                SlowSender.End end = trickle.awaitEnd(Duration.ofSeconds(1));
                System.out.println("trickling sender: " + end);
                assertThat(end.head()).startsWith("HTTP/1.1 400").contains("arrived too slowly");
                assertThat(end.afterMs()).isBetween(BODY_READ_TIMEOUT.toMillis(), BODY_READ_TIMEOUT.toMillis() + 2_000);
            } finally {
                trickle.close();
            }
        }
    }

    @Test
    void inTokenModeUnauthenticatedSlowSendersAreRefusedAtOnce() throws Exception {
        try (TestServer server =
                TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).bodyReadTimeout(BODY_READ_TIMEOUT))) {
            List<Long> answeredMs = slowSendersAttack(server, "/api/conversations", "401");
            // Refused at once, not after the read timeout: the body was never waited for.
            assertThat(Collections.max(answeredMs)).isLessThan(BODY_READ_TIMEOUT.toMillis());
        }
    }

    @Test
    void aContentLengthOverTheLimitIs413BeforeTheBodyIsSent() throws Exception {
        try (TestServer server = TestServer.start(dataDir)) {
            // Only the headers: a server that waited for the body would not answer at all. (It reads
            // on after the answer, so that a client still sending is not reset before it reads its
            // 413; this one sends nothing more and is closed after the read timeout.)
            try (java.net.Socket tcp = new java.net.Socket()) {
                tcp.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                tcp.setSoTimeout(1_000);
                tcp.getOutputStream()
                        .write(("POST /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: " + (64 * 1024 + 1)
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                StringBuilder answer = new StringBuilder();
                InputStream in = tcp.getInputStream();
                try {
                    while (!answer.toString().contains("}}")) {
                        int b = in.read();
                        assertThat(b).as("the answer so far: " + answer).isNotNegative();
                        answer.append((char) b);
                    }
                } catch (java.net.SocketTimeoutException e) {
                    throw new AssertionError("no 413 within 1 s: the server waited for the body; got " + answer);
                }
                assertThat(answer.toString())
                        .startsWith("HTTP/1.1 413")
                        .containsIgnoringCase("Connection: close")
                        .contains("\"payload_too_large\"");
            }
        }
    }

    @Test
    void aClientStillSendingABodyOverTheLimitGetsIts413() {
        // The JDK client sends a 200 KiB body right after the headers, with its Content-Length.
        // Answered and closed without reading on, one such client in a few hundred saw the
        // connection reset mid-write (broken pipe) and never its 413; the server now answers,
        // then reads and drops the rest.
        try (TestServer server = TestServer.start(dataDir)) {
            Http http = server.http();
            String padded = "{\"title\":\"hi\",\"pad\":\"" + "x".repeat(200 * 1024) + "\"}";
            for (int i = 0; i < 300; i++) {
                Http.assertError(http.post("/api/conversations", padded), 413, "payload_too_large");
            }
        }
    }

    @Test
    void aChunkedBodyOverTheLimitStillGetsIts413() throws Exception {
        // No Content-Length (the JDK client sends a body from a stream chunked): the limit is found
        // while reading, and the server reads on (up to 1 MiB) so that the client gets its 413.
        try (TestServer server = TestServer.start(dataDir)) {
            byte[] padded =
                    ("{\"title\":\"hi\",\"pad\":\"" + "x".repeat(200 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            HttpClient client = HttpClient.newHttpClient();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(server.uri().resolve("/api/conversations"))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(10))
                                .POST(HttpRequest.BodyPublishers.ofInputStream(
                                        () -> new java.io.ByteArrayInputStream(padded)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(413);
                assertThat(answer.body()).contains("\"payload_too_large\"");
            }
        }
    }

    @Test
    void inTokenModeAnUnauthenticatedPostIs401WithoutItsBodyBeingRead() throws Exception {
        try (TestServer server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN))) {
            // The headers and 10 of the 1,000 bytes announced: the 401 comes at once, and the
            // connection is closed rather than the other 990 bytes waited for.
            String answer = exchange(
                    server.port(),
                    "POST /api/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"title\":\"");
            assertThat(answer)
                    .startsWith("HTTP/1.1 401")
                    .containsIgnoringCase("Connection: close")
                    .contains("\"unauthenticated\"");
        }
    }

    /**
     * Sends {@code request} on a new connection and reads until the server closes it; fails if
     * that takes over a second (the server waiting for more than it was sent).
     */
    private static String exchange(int port, String request) throws IOException {
        try (java.net.Socket tcp = new java.net.Socket()) {
            tcp.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            tcp.setSoTimeout(1_000);
            tcp.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            tcp.getOutputStream().flush();
            long t0 = System.nanoTime();
            try {
                String answer = new String(tcp.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                System.out.printf("answered and closed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
                return answer;
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("no answer and close within 1 s: the server waited for the body");
            }
        }
    }

    /**
     * Opens {@link #SLOW_SENDERS} connections that each send a POST's headers and one byte of a
     * 100-byte body (the next would come 20 s later), polls {@code /api/health} meanwhile (each
     * answer within 1 s), and waits until the server has answered or closed every slow sender.
     * Returns when each was answered or closed, in ms after it was opened.
     */
    private List<Long> slowSendersAttack(TestServer server, String path, String expectedStatus) throws Exception {
        List<SlowSender> senders = new ArrayList<>();
        List<Long> healthMs = new ArrayList<>();
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI health = server.uri().resolve("/api/health");
        try {
            for (int i = 0; i < SLOW_SENDERS; i++) {
                senders.add(new SlowSender(server.port(), path));
            }
            Thread.sleep(300);
            System.out.println("server threads with " + SLOW_SENDERS + " slow senders connected: " + serverThreads());
            long deadline =
                    System.nanoTime() + BODY_READ_TIMEOUT.multipliedBy(3).toNanos();
            while (System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                HttpResponse<String> answer = client.send(
                        HttpRequest.newBuilder(health)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(answer.statusCode()).isEqualTo(200);
                healthMs.add(ms);
                Thread.sleep(100);
            }
            List<Long> endedMs = new ArrayList<>();
            for (SlowSender sender : senders) {
                SlowSender.End end = sender.awaitEnd(Duration.ofSeconds(
                        45)); // the last of 300 wait for a permit first (CI: 20 s was missed once with the full suite)
                if (expectedStatus != null) {
                    assertThat(end.head()).as("answer to a slow sender").startsWith("HTTP/1.1 " + expectedStatus);
                } else if (endedMs.isEmpty()) {
                    System.out.println(
                            "what the first slow sender got: " + end.head().replaceAll("\\s+", " "));
                }
                endedMs.add(end.afterMs());
            }
            List<Long> sorted = new ArrayList<>(healthMs);
            Collections.sort(sorted);
            System.out.printf(
                    "health during %d slow senders: %d polls, max %d ms, p99 %d ms, median %d ms;"
                            + " slow senders ended after %d..%d ms%n",
                    SLOW_SENDERS,
                    sorted.size(),
                    sorted.get(sorted.size() - 1),
                    sorted.get((int) Math.floor(sorted.size() * 0.99) - 1),
                    sorted.get(sorted.size() / 2),
                    Collections.min(endedMs),
                    Collections.max(endedMs));
            List<Long> ends = new ArrayList<>(endedMs);
            Collections.sort(ends);
            System.out.printf(
                    "slow senders ended (ms): p10 %d, p50 %d, p67 %d, p90 %d, p99 %d%n",
                    ends.get(30), ends.get(150), ends.get(200), ends.get(270), ends.get(297));
            assertThat(sorted.get(sorted.size() - 1))
                    .as("slowest /api/health answer (ms) " + healthMs)
                    .isLessThan(1000);
            // Dropped after about the read timeout, not Jetty's 30 s idle timeout: 200 are read at
            // once and dropped after the timeout, the other 100 wait their turn (no thread) and are
            // dropped a timeout later; measured 5.8-7.7 s for the last, with the time it takes to
            // open 300 connections on a loaded machine.
            assertThat(Collections.max(endedMs))
                    .isLessThan(BODY_READ_TIMEOUT.multipliedBy(4).toMillis() + 2_000);
            return endedMs;
        } finally {
            senders.forEach(SlowSender::close);
        }
    }

    /**
     * What Jetty's pool threads are doing (the server runs in this JVM): how many there are, and
     * how many wait in a request body read, by the server's frame that waits.
     */
    private static String serverThreads() {
        java.util.Map<String, Integer> byWait = new java.util.TreeMap<>();
        int pool = 0;
        for (var entry : Thread.getAllStackTraces().entrySet()) {
            if (!entry.getKey().getName().startsWith("JettyServerThreadPool")) {
                continue;
            }
            pool++;
            String where = "other";
            for (StackTraceElement frame : entry.getValue()) {
                if (frame.getClassName().startsWith("dev.lanechat.")) {
                    where = frame.getClassName().replace("dev.lanechat.server.", "") + "." + frame.getMethodName();
                    break;
                }
            }
            byWait.merge(where, 1, Integer::sum);
        }
        return pool + " pool threads; in lanechat code at " + byWait;
    }

    /**
     * A client that sends a POST's headers, then one byte of its body, then nothing for 20 s; a
     * thread of its own reads whatever the server answers and notes when the connection ended.
     */
    private static final class SlowSender implements AutoCloseable {
        record End(String head, long afterMs) {}

        private final java.net.Socket tcp = new java.net.Socket();
        private final long openedNanos = System.nanoTime();
        private final java.util.concurrent.CompletableFuture<End> end = new java.util.concurrent.CompletableFuture<>();

        SlowSender(int port, String path) throws IOException {
            tcp.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = tcp.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread reader = new Thread(this::read, "slow-sender-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            StringBuilder head = new StringBuilder();
            try {
                InputStream in = tcp.getInputStream();
                int b;
                while ((b = in.read()) >= 0) {
                    head.append((char) b);
                }
            } catch (IOException e) {
                // reset, or closed by the test: ended as well
            }
            end.complete(new End(head.toString(), (System.nanoTime() - openedNanos) / 1_000_000));
        }

        boolean ended() {
            return end.isDone();
        }

        void send(String more) {
            try {
                tcp.getOutputStream().write(more.getBytes(StandardCharsets.US_ASCII));
                tcp.getOutputStream().flush();
            } catch (IOException e) {
                // closed by the server meanwhile
            }
        }

        /** The server's answer (its head; "" if it only closed) and when the connection ended. */
        End awaitEnd(Duration atMost) {
            try {
                return end.get(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("a slow sender was neither answered nor closed within " + atMost);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            try {
                tcp.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
