// Over 300 lines: one HTTP/1.1 client loop (closed and paced) and the parser of its answers, kept
// together because the parser's contract (one answer per request, nothing after it) is the loop's.
package dev.lanechat.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4's submits: a closed loop over {@code concurrency} HTTP/1.1 keep-alive connections with
 * one request in flight on each (no pipelining, so the server sees that many concurrent submits, as
 * from that many clients), all driven by the calling thread over one selector: a request is one
 * write, its answer usually one read, and the next submit goes out on the same connection as soon
 * as the answer is parsed.
 *
 * <p>Why not Jetty's HttpClient here: with it the generator spent 0.14 ms of CPU per task (its
 * request/response machinery was ~40 % of the bench JVM's samples), more than twice the Node peers'
 * 0.06 ms of server CPU per task, so on 2 cores the generator, not the peer, set scenario 4's rate.
 * Everything else (preparing conversations, polls, metrics) still uses {@link Http}.
 */
final class Submitter {
    private final Target target;
    private final int offset;
    private final java.util.function.IntConsumer onAccepted;
    private final String hostHeader;
    private final InetSocketAddress address;
    private final int maxTasks;
    private final int minTasks;
    private final long minNanos;
    final String[] ids;
    final long[] sentMicros;
    final long[] answeredMicros;
    int issued;
    int done;
    int failures;
    long rateLimited;
    String firstError;
    private long startNanos;
    /** System.nanoTime() of the last submit sent. */
    long lastIssueNanos;

    /**
     * Submits at least {@code minTasks} and keeps going until {@code minNanos} have passed, never
     * more than {@code maxTasks}.
     */
    Submitter(Target target, int minTasks, int maxTasks, long minNanos) {
        this(target, 0, minTasks, maxTasks, minNanos, null);
    }

    /**
     * As above, numbering the target's submits from {@code offset} (arrays still from 0), and
     * telling {@code onAccepted} the (0-based) number of each accepted one.
     */
    Submitter(
            Target target,
            int offset,
            int minTasks,
            int maxTasks,
            long minNanos,
            java.util.function.IntConsumer onAccepted) {
        this.target = target;
        this.offset = offset;
        this.onAccepted = onAccepted;
        URI base = URI.create(target.base);
        this.hostHeader = base.getHost() + ":" + base.getPort();
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        this.minTasks = minTasks;
        this.maxTasks = Math.max(minTasks, maxTasks);
        this.minNanos = minNanos;
        ids = new String[this.maxTasks];
        sentMicros = new long[this.maxTasks];
        answeredMicros = new long[this.maxTasks];
    }

    /** One connection and the submit in flight on it. */
    private final class Conn {
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(8192);
        ByteBuffer out;
        int task = -1;
        byte[] request;
        long retryAtNanos; // a 429's Retry-After: send the same request again then
    }

    /** Runs until every submit is answered or {@code timeoutNanos} passes (the rest count as failed). */
    void run(int concurrency, long timeoutNanos) throws IOException {
        loop(concurrency, 0, Long.MAX_VALUE, timeoutNanos);
    }

    /**
     * Scenario 2's open loop: the submits go out at {@code perSecond} (each at its due time, a
     * backlog at once), on at most {@code maxInFlight} connections, opened as needed, until every
     * submit is sent or {@code sendNanos} has passed; then waits for the answers. {@link #issued}
     * says how many were sent.
     */
    void runPaced(double perSecond, int maxInFlight, long sendNanos, long timeoutNanos) throws IOException {
        loop(maxInFlight, Math.max(1, (long) (1e9 / perSecond)), sendNanos, timeoutNanos);
    }

    private void loop(int connections, long intervalNanos, long sendNanos, long timeoutNanos) throws IOException {
        boolean paced = intervalNanos > 0;
        startNanos = System.nanoTime();
        long deadline = startNanos + timeoutNanos;
        long sendEnd = sendNanos == Long.MAX_VALUE ? Long.MAX_VALUE : startNanos + sendNanos;
        List<Conn> conns = new ArrayList<>();
        java.util.ArrayDeque<Conn> idle = new java.util.ArrayDeque<>();
        try (Selector selector = Selector.open()) {
            if (!paced) {
                for (int c = 0; c < connections; c++) {
                    Conn conn = new Conn();
                    conns.add(conn);
                    connect(selector, conn);
                    issueNext(conn);
                }
            }
            while (System.nanoTime() < deadline) {
                long now = System.nanoTime();
                long waitNanos = 100_000_000L;
                if (paced && now < sendEnd) {
                    while (moreToIssue() && startNanos + issued * intervalNanos <= now) {
                        Conn conn = idle.poll();
                        if (conn == null && conns.size() < connections) {
                            conn = new Conn();
                            conns.add(conn);
                            connect(selector, conn);
                        }
                        if (conn == null) {
                            break; // all in flight: the next one goes when an answer frees a connection
                        }
                        issueNext(conn);
                    }
                    if (moreToIssue()) {
                        waitNanos = Math.max(0, startNanos + issued * intervalNanos - now);
                    }
                }
                boolean busy = paced && now < sendEnd && moreToIssue();
                for (Conn conn : conns) {
                    if (conn.task >= 0) {
                        busy = true;
                        if (conn.retryAtNanos != 0) {
                            if (conn.retryAtNanos <= now) {
                                conn.retryAtNanos = 0;
                                send(conn);
                            } else {
                                waitNanos = Math.min(waitNanos, conn.retryAtNanos - now);
                            }
                        }
                    }
                }
                if (!busy) {
                    return;
                }
                // select() counts in ms: a send due in under 1 ms waits 1 ms (and goes with the
                // others then due) rather than spinning on selectNow
                if (waitNanos <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, waitNanos / 1_000_000L));
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            flush(conn);
                        }
                        if (key.isValid() && key.isReadable() && read(selector, conn)) {
                            if (paced) {
                                conn.task = -1;
                                idle.add(conn);
                            } else {
                                issueNext(conn);
                            }
                        }
                    } catch (IOException e) {
                        boolean wasBusy = conn.task >= 0;
                        failed(conn, e.toString());
                        reconnect(selector, conn);
                        if (paced) {
                            if (wasBusy) {
                                idle.add(conn); // an idle one is in the queue already
                            }
                        } else {
                            issueNext(conn);
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
            for (Conn conn : conns) {
                if (conn.task >= 0) {
                    failed(conn, "no answer within " + timeoutNanos / 1_000_000_000L + " s");
                }
            }
        } finally {
            for (Conn conn : conns) {
                if (conn.channel != null) {
                    conn.channel.close();
                }
            }
        }
    }

    private void connect(Selector selector, Conn conn) throws IOException {
        SocketChannel ch = SocketChannel.open(address); // a blocking connect on loopback
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.configureBlocking(false);
        conn.channel = ch;
        conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
        conn.in.clear();
    }

    private void reconnect(Selector selector, Conn conn) throws IOException {
        if (conn.key != null) {
            conn.key.cancel();
        }
        conn.channel.close();
        selector.selectNow(); // lets the cancelled key go before the new channel registers
        connect(selector, conn);
    }

    private boolean moreToIssue() {
        return issued < maxTasks && (issued < minTasks || System.nanoTime() - startNanos < minNanos);
    }

    /** Sends the next submit on {@code conn}, or leaves it idle when the run has issued enough. */
    private void issueNext(Conn conn) throws IOException {
        conn.task = -1;
        while (moreToIssue()) {
            int i = issued++;
            Target.SubmitRequest r;
            try {
                r = target.submitRequest(offset + i);
            } catch (Exception e) {
                failedTask(i, e.toString());
                continue;
            }
            byte[] body = r.json().getBytes(StandardCharsets.UTF_8);
            String head = "POST " + r.path() + " HTTP/1.1\r\nHost: " + hostHeader + "\r\n"
                    + (r.authorization() == null ? "" : "Authorization: " + r.authorization() + "\r\n")
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[h.length + body.length];
            System.arraycopy(h, 0, request, 0, h.length);
            System.arraycopy(body, 0, request, h.length, body.length);
            conn.task = i;
            conn.request = request;
            sentMicros[i] = Gen.nowMicros();
            lastIssueNanos = System.nanoTime();
            target.httpRequests.incrementAndGet();
            send(conn);
            return;
        }
    }

    private void send(Conn conn) throws IOException {
        conn.out = ByteBuffer.wrap(conn.request);
        flush(conn);
    }

    private void flush(Conn conn) throws IOException {
        conn.channel.write(conn.out);
        conn.key.interestOps(
                conn.out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Reads what came; true when the connection's submit is over (answered, or failed) and it is free. */
    private boolean read(Selector selector, Conn conn) throws IOException {
        if (!conn.in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(conn.in.capacity() * 2);
            conn.in.flip();
            bigger.put(conn.in);
            conn.in = bigger;
        }
        int n = conn.channel.read(conn.in);
        if (n < 0) {
            throw new IOException("connection closed by the server");
        }
        Answer a = parse(conn.in);
        if (a == null) {
            return false; // not whole yet
        }
        conn.in.clear(); // one request in flight: nothing follows its answer
        int i = conn.task;
        if (i < 0) {
            return false;
        }
        if (a.status == 429) {
            rateLimited++;
            target.rateLimited.incrementAndGet();
            conn.retryAtNanos = System.nanoTime() + Math.max(1, a.retryAfterSeconds) * 1_000_000_000L;
            return false;
        }
        String id = a.status / 100 == 2 ? Frames.taskId(a.body) : null;
        if (id == null) {
            failed(conn, "HTTP " + a.status + ": " + a.body);
        } else {
            answeredMicros[i] = Gen.nowMicros();
            ids[i] = id;
            done++;
            target.accepted(offset + i, id);
            if (onAccepted != null) {
                onAccepted.accept(i);
            }
        }
        conn.task = -1;
        if (a.close) {
            reconnect(selector, conn);
        }
        return true;
    }

    private void failed(Conn conn, String why) {
        if (conn.task >= 0) {
            failedTask(conn.task, why);
            conn.task = -1;
        }
    }

    private void failedTask(int i, String why) {
        if (firstError == null) {
            firstError = "submit " + i + ": " + why;
        }
        failures++;
        done++;
    }

    record Answer(int status, String body, long retryAfterSeconds, boolean close) {}

    /**
     * A whole HTTP/1.1 answer at the start of {@code buf} (in its write mode), or null while part of
     * it has still to come. Content-Length and chunked bodies; header names case-insensitive.
     */
    static Answer parse(ByteBuffer buf) {
        byte[] b = buf.array();
        int end = buf.position();
        int headEnd = indexOf(b, 0, end, "\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
        int sp = head.indexOf(' ');
        int status = Integer.parseInt(head.substring(sp + 1, sp + 4));
        long length = -1;
        long retryAfter = -1;
        boolean chunked = false;
        boolean close = false;
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
            } else if (name.equalsIgnoreCase("Retry-After")) {
                try {
                    retryAfter = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    retryAfter = 1;
                }
            } else if (name.equalsIgnoreCase("Connection")) {
                close = value.equalsIgnoreCase("close");
            }
        }
        int from = headEnd + 4;
        if (chunked) {
            StringBuilder body = new StringBuilder();
            int at = from;
            while (true) {
                int lineEnd = indexOf(b, at, end, "\r\n");
                if (lineEnd < 0) {
                    return null;
                }
                String size = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                at = lineEnd + 2;
                if (n == 0) {
                    int trailerEnd = indexOf(b, at - 2, end, "\r\n\r\n"); // no trailers: the CRLF after 0
                    return trailerEnd < 0 ? null : new Answer(status, body.toString(), retryAfter, close);
                }
                if (end < at + n + 2) {
                    return null;
                }
                body.append(new String(b, at, n, StandardCharsets.UTF_8));
                at += n + 2;
            }
        }
        if (length < 0) {
            length = 0; // a 1xx/204/304, or an answer this client never asks for
        }
        if (end < from + length) {
            return null;
        }
        return new Answer(status, new String(b, from, (int) length, StandardCharsets.UTF_8), retryAfter, close);
    }

    private static int indexOf(byte[] b, int from, int end, String what) {
        int n = what.length();
        outer:
        for (int i = Math.max(0, from); i + n <= end; i++) {
            for (int k = 0; k < n; k++) {
                if (b[i + k] != what.charAt(k)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
