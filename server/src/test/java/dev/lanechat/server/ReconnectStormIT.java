package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.JarServer;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * issue 4's reconnect storm: 5,000 subscribed sockets are dropped at once ({@code kill -9} of the
 * jar, a separate process), the jar is restarted on the same port and data dir, and every socket
 * comes back on protocol.md's client schedule (1 s, 2 s, 4 s … capped at 30 s, each plus up to 20 %
 * jitter, back to 1 s after an open), resuming with {@code since} = the highest id it saw. Events
 * are produced before the drop and right after the restart, while the sockets are still coming
 * back. Every socket must end up with ids 1..N exactly once, with no {@code reset}, and no socket
 * may be closed by the server (1013 or anything else): the only close is the drop.
 *
 * <p>The sockets are Jetty's WebSocket client (NIO, one shared HttpClient): java.net.http costs
 * about 100 KB a socket, too much for 5,000.
 */
public class ReconnectStormIT { // public, as is Connection: Jetty calls the listener through a public lookup
    private static final int SOCKETS = 5_000;
    private static final int BATCH = 500;
    /**
     * Upgrades in flight at once while the sockets are first opened: the server's listen backlog is
     * Jetty's default (50); more SYNs at once overflow it and wait for the kernel's SYN retries (1 s, 3 s …).
     */
    private static final int OPENING_IN_FLIGHT = 32;

    private static final int SENDS_BEFORE = 10;
    private static final int SENDS_AFTER = 10;
    private static final long EVENTS = SENDS_BEFORE + SENDS_AFTER; // one task.completed per send
    private static final Duration RESUME_BOUND = Duration.ofSeconds(60);
    /** The drop: the jar is killed, the client sees the connection end (1006, no close frame). */
    private static final int DROP_CLOSE = 1006;

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private final List<JarServer> started = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private HttpClient httpClient;
    private WebSocketClient wsClient;
    private ScheduledExecutorService timers;
    private URI wsUri;
    private volatile boolean stopping;
    /** System.nanoTime() of the kill; 0 before it. */
    private volatile long dropNanos;
    /** While the sockets are first opened: bounds the upgrades in flight; null after. */
    private volatile Semaphore openingGate = new Semaphore(OPENING_IN_FLIGHT);

    private final ConcurrentLinkedQueue<Long> attemptsAfterDrop = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> failedAfterDrop = new ConcurrentLinkedQueue<>();
    /** The waits drawn after the drop, by backoff step (0: the first wait, 1 s + jitter). */
    private final Map<Integer, ConcurrentLinkedQueue<Long>> waitsAfterDrop = new ConcurrentHashMap<>();

    @AfterEach
    void cleanUp() throws Exception {
        stopping = true;
        for (Client c : clients) {
            Session s = c.session;
            if (s != null && s.isOpen()) {
                s.close(1000, "test over", Callback.NOOP);
            }
        }
        if (timers != null) {
            timers.shutdownNow();
        }
        if (wsClient != null) {
            wsClient.stop();
        }
        if (httpClient != null) {
            httpClient.stop();
        }
        started.forEach(JarServer::close);
    }

    @Test
    void fiveThousandSocketsDroppedAtOnceComeBackWithJitteredBackoffAndLoseNothing() throws Exception {
        long jvmLimit = openFilesLimit();
        long childLimit = childUlimit();
        assumeTrue(
                jvmLimit >= SOCKETS + 2_000 && childLimit >= SOCKETS + 2_000,
                "ulimit -n: the test JVM may open " + jvmLimit + " files and the server it starts " + childLimit
                        + "; each holds " + SOCKETS + " sockets and needs at least " + (SOCKETS + 2_000));
        long t0 = System.nanoTime();

        // The jar, its port kept for the restart; messages are few (20), so the default send rate is enough.
        Path dataDir = work.resolve("data");
        // All 5,000 sockets are the one local user's: its own cap (32 by default) is lifted.
        String[] flags = {"--demo-delay-ms", "0", "--max-sockets-per-user", Integer.toString(2 * SOCKETS)};
        JarServer first = JarServer.start(work, dataDir, 0, "first", flags);
        started.add(first);
        int port = first.port();
        wsUri = URI.create("ws://127.0.0.1:" + port + "/ws");

        httpClient = new HttpClient();
        // Upgrades and connect attempts in flight at once: the defaults (64 connections, 1,024 queued) are for a
        // browser.
        httpClient.setMaxConnectionsPerDestination(2 * SOCKETS);
        httpClient.setMaxRequestsQueuedPerDestination(2 * SOCKETS);
        httpClient.setConnectTimeout(10_000);
        httpClient.start();
        wsClient = new WebSocketClient(httpClient);
        wsClient.setIdleTimeout(Duration.ofSeconds(120)); // the server pings every 25 s; the test is shorter
        wsClient.start();
        timers = Executors.newScheduledThreadPool(2);

        // 5,000 sockets, opened in batches, each subscribed and ready.
        long openStart = System.nanoTime();
        long overflowsBefore = listenOverflows();
        for (int from = 0; from < SOCKETS; from += BATCH) {
            List<Client> batch = new ArrayList<>();
            for (int i = from; i < Math.min(SOCKETS, from + BATCH); i++) {
                Client c = new Client(i);
                clients.add(c);
                batch.add(c);
                c.connect();
            }
            awaitAll(batch, "ready", Duration.ofSeconds(30), c -> c.readies == 1);
        }
        long openMs = ms(System.nanoTime() - openStart);
        openingGate = null;
        long overflowsOpening = listenOverflows() - overflowsBefore;
        long serverFds = openFiles(serverPid());
        long jvmFds = openFiles(ProcessHandle.current().pid());

        // Events before the drop: every socket gets all of them, live.
        Http http = first.http();
        String conversation = http.createConversation().path("id").asText();
        for (int i = 0; i < SENDS_BEFORE; i++) {
            http.send(conversation, "before the drop " + i);
        }
        http.awaitEvents(SENDS_BEFORE);
        long fanOutStart = System.nanoTime();
        awaitAll(clients, "have ids 1.." + SENDS_BEFORE, Duration.ofSeconds(30), c -> c.highest() == SENDS_BEFORE);
        long fanOutMs = ms(System.nanoTime() - fanOutStart);

        // The drop: SIGKILL closes every socket at once; the jar is restarted on the same port and data dir.
        long overflowsBeforeDrop = listenOverflows();
        dropNanos = System.nanoTime();
        first.kill9();
        awaitAll(clients, "closed by the drop", Duration.ofSeconds(10), c -> c.closes() == 1);
        long allClosedMs = sinceDrop();
        JarServer second = JarServer.start(work, dataDir, port, "second", flags);
        started.add(second);
        long listeningMs = sinceDrop();

        // More events at once, while the sockets are still coming back.
        Http http2 = second.http();
        for (int i = 0; i < SENDS_AFTER; i++) {
            http2.send(conversation, "after the restart " + i);
        }
        long sentAfterMs = sinceDrop();
        http2.awaitEvents(EVENTS);
        int readyWhenSent = (int) clients.stream().filter(c -> c.readies >= 2).count();

        awaitAll(clients, "back with ids 1.." + EVENTS, RESUME_BOUND, c -> c.readies >= 2 && c.highest() == EVENTS);
        long allBackMs = sinceDrop();
        long overflowsStorm = listenOverflows() - overflowsBeforeDrop;
        Thread.sleep(1_000); // a duplicate or a late close would show up right after
        long serverFdsAfter = openFiles(serverPid());

        // Every socket: ids 1..EVENTS once each, no reset, one close (the drop), two readies.
        assertThat(none(c -> c.duplicates > 0))
                .as("sockets that got an id twice")
                .isEmpty();
        assertThat(none(c -> c.gaps > 0)).as("sockets that missed an id").isEmpty();
        assertThat(none(c -> c.resets > 0)).as("sockets told to reset").isEmpty();
        assertThat(none(c -> c.received != EVENTS || c.highest() != EVENTS))
                .as("sockets without ids 1.." + EVENTS)
                .isEmpty();
        assertThat(none(c -> !c.badCloses.isEmpty()))
                .as("sockets closed by the server or sent an error")
                .isEmpty();
        assertThat(none(c -> c.closes() != 1))
                .as("sockets closed more than once (the drop)")
                .isEmpty();
        assertThat(none(c -> c.readies != 2))
                .as("sockets not ready exactly twice")
                .isEmpty();
        assertThat(none(c -> c.phaseOneFailures > 0))
                .as("sockets whose first open failed")
                .isEmpty();
        assertThat(allBackMs).as("all back within " + RESUME_BOUND).isLessThan(RESUME_BOUND.toMillis());
        assertThat(second.http().events(0).path("last_id").asLong()).isEqualTo(EVENTS);

        // The report: how the reconnects spread (the jitter at work).
        List<Long> firstRetries =
                clients.stream().map(c -> c.firstRetryMs).sorted().toList();
        List<Long> resumed = clients.stream().map(c -> c.resumedMs).sorted().toList();
        Map<Integer, Integer> byStep = new TreeMap<>();
        clients.forEach(c -> byStep.merge(c.resumedAtTry, 1, Integer::sum));
        Map<Long, int[]> perSecond = new TreeMap<>();
        attemptsAfterDrop.forEach(t -> perSecond.computeIfAbsent(t / 1000, k -> new int[3])[0]++);
        failedAfterDrop.forEach(t -> perSecond.computeIfAbsent(t / 1000, k -> new int[3])[1]++);
        resumed.forEach(t -> perSecond.computeIfAbsent(t / 1000, k -> new int[3])[2]++);
        StringBuilder histogram = new StringBuilder();
        perSecond.forEach((s, n) -> histogram.append(
                String.format("  %3d–%3d s: %5d tries, %5d failed, %5d resumed%n", s, s + 1, n[0], n[1], n[2])));
        Map<Long, Integer> resumedPer100Ms = new TreeMap<>();
        resumed.forEach(t -> resumedPer100Ms.merge(t / 100 * 100, 1, Integer::sum));
        StringBuilder fine = new StringBuilder();
        resumedPer100Ms.forEach((t, n) -> fine.append(String.format("  %6d ms: %5d%n", t, n)));

        System.out.printf(
                "ReconnectStormIT: %d sockets opened and ready in %d ms (batches of %d); open files: "
                        + "server %d, test JVM %d (limits %d / %d)%n",
                SOCKETS, openMs, BATCH, serverFds, jvmFds, childLimit, jvmLimit);
        System.out.printf(
                "  %d events before the drop reached all %d sockets within %d ms of the last one's commit%n",
                SENDS_BEFORE, SOCKETS, fanOutMs);
        System.out.printf(
                "  drop (kill -9): all %d sockets closed (%d) within %d ms; restarted jar listening at %d ms;"
                        + " %d more sends done at %d ms, when %d sockets were back%n",
                SOCKETS, DROP_CLOSE, allClosedMs, listeningMs, SENDS_AFTER, sentAfterMs, readyWhenSent);
        waitsAfterDrop.forEach((step, waits) -> System.out.printf(
                "  wait drawn before try %d: %d–%d ms (%d sockets)%n",
                step + 1,
                waits.stream().mapToLong(w -> w).min().orElse(-1),
                waits.stream().mapToLong(w -> w).max().orElse(-1),
                waits.size()));
        System.out.printf(
                "  first try after the drop at %d–%d ms (the close + the wait + timer lag)%n",
                firstRetries.get(0), firstRetries.get(firstRetries.size() - 1));
        System.out.printf(
                "  resumed (ready again): first at %d ms, median %d ms, last at %d ms after the drop; "
                        + "all %d had ids 1..%d once each at %d ms; no reset, no duplicate, no gap, no server close%n",
                resumed.get(0),
                resumed.get(resumed.size() / 2),
                resumed.get(resumed.size() - 1),
                SOCKETS,
                EVENTS,
                allBackMs);
        System.out.printf(
                "  resumed at try #: %s; %d tries after the drop, %d of them failed (server down)%n",
                byStep, attemptsAfterDrop.size(), failedAfterDrop.size());
        System.out.printf("  server open files after the storm: %d%n", serverFdsAfter);
        System.out.printf(
                "  listen-queue overflows (TcpExt ListenOverflows, machine-wide): %d while opening "
                        + "(%d upgrades in flight at most), %d during the storm%n",
                overflowsOpening, OPENING_IN_FLIGHT, overflowsStorm);
        System.out.print("  by second after the drop:\n" + histogram);
        System.out.print("  resumed per 100 ms:\n" + fine);
        System.out.printf("  whole test %d ms%n", ms(System.nanoTime() - t0));

        stopping = true;
        for (Client c : clients) {
            c.session.close(1000, "test over", Callback.NOOP);
        }
        second.terminate(20);
    }

    /** Waits until every client of {@code group} is {@code done}; else fails with how many are and a few that are not. */
    private static void awaitAll(List<Client> group, String what, Duration atMost, Predicate<Client> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!group.stream().allMatch(done)) {
            if (System.nanoTime() > deadline) {
                List<Client> late = group.stream().filter(done.negate()).toList();
                throw new AssertionError(
                        late.size() + " of " + group.size() + " sockets not " + what + " within " + atMost + ", e.g. "
                                + late.stream().limit(3).map(Client::toString).toList());
            }
            Thread.sleep(20);
        }
    }

    private List<String> none(Predicate<Client> bad) {
        return clients.stream()
                .filter(c -> {
                    synchronized (c) {
                        return bad.test(c);
                    }
                })
                .limit(5)
                .map(Client::toString)
                .toList();
    }

    private long sinceDrop() {
        return ms(System.nanoTime() - dropNanos);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** The soft "Max open files" of this JVM (the JVM raises it to the hard limit at start on Linux). */
    private static long openFilesLimit() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return -1;
    }

    /** {@code ulimit -n} of a child process, which the jar is. */
    private static long childUlimit() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "ulimit -n")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(out);
    }

    /** The kernel's count of connections dropped because a listen queue was full (all processes). */
    private static long listenOverflows() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    int at = names.indexOf("ListenOverflows");
                    return at < 0 ? -1 : Long.parseLong(values[at]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no figure
        }
        return -1;
    }

    private static long serverPid() {
        return ProcessHandle.current()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().orElse("").contains("lanechat-server.jar"))
                .mapToLong(ProcessHandle::pid)
                .findFirst()
                .orElse(-1);
    }

    private static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * One logical client: reconnects by protocol.md's schedule and keeps its cursor (the highest id
     * seen) across connections. Its state is guarded by itself; Jetty calls a session's listener
     * one frame at a time.
     */
    private final class Client {
        final int index;
        volatile Session session;
        volatile int readies;
        private long highest;
        int received;
        int duplicates;
        int gaps;
        int resets;
        private int closes;
        /** Tries since the last open: the backoff step. */
        private int tries;

        int phaseOneFailures;
        Throwable lastFailure;
        final List<String> badCloses = new ArrayList<>();
        long firstRetryMs = -1;
        long resumedMs = -1;
        int resumedAtTry;
        private int triesSinceDrop;

        Client(int index) {
            this.index = index;
        }

        synchronized long highest() {
            return highest;
        }

        synchronized int closes() {
            return closes;
        }

        void connect() {
            if (stopping) {
                return;
            }
            Semaphore gate = openingGate;
            if (gate != null) {
                gate.acquireUninterruptibly();
            }
            Connection c = new Connection(this, gate);
            if (dropNanos != 0) {
                long at = sinceDrop();
                attemptsAfterDrop.add(at);
                synchronized (this) {
                    triesSinceDrop++;
                    if (firstRetryMs < 0) {
                        firstRetryMs = at;
                    }
                }
            }
            try {
                var unused = wsClient.connect(c, wsUri).whenComplete((s, x) -> {
                    if (x != null) {
                        c.end(x);
                    }
                });
            } catch (IOException | RuntimeException e) {
                c.end(e);
            }
        }

        /** protocol.md: wait 1 s, 2 s, 4 s … capped at 30 s, each plus up to 20 % jitter. */
        synchronized void retryLater() {
            if (stopping) {
                return;
            }
            long base = Math.min(1000L << Math.min(tries, 5), 30_000L);
            tries++;
            long delay = base + (long) (ThreadLocalRandom.current().nextDouble() * 0.2 * base);
            if (dropNanos != 0) {
                waitsAfterDrop
                        .computeIfAbsent(tries - 1, k -> new ConcurrentLinkedQueue<>())
                        .add(delay);
            }
            var unused = timers.schedule(this::connect, delay, TimeUnit.MILLISECONDS); // ends the client on a failure
        }

        synchronized void opened(Session s) {
            session = s;
            tries = 0; // back to 1 s after an open
            String subscribe = highest == 0 && readies == 0
                    ? "{\"token\":\"stream\"}"
                    : "{\"token\":\"stream\",\"since\":" + highest + "}";
            s.sendText(subscribe, Callback.NOOP);
        }

        void text(String text) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (IOException e) {
                synchronized (this) {
                    badCloses.add("unparsable frame " + text);
                }
                return;
            }
            synchronized (this) {
                switch (frame.path("event").asText()) {
                    case "update" -> {
                        long id = frame.path("id").asLong();
                        if (id == highest + 1) {
                            highest = id;
                            received++;
                        } else if (id <= highest) {
                            duplicates++;
                        } else {
                            gaps++;
                            highest = id;
                            received++;
                        }
                    }
                    case "ready" -> {
                        readies++;
                        if (dropNanos != 0 && resumedMs < 0) {
                            resumedMs = sinceDrop();
                            resumedAtTry = triesSinceDrop;
                        }
                    }
                    case "reset" -> resets++;
                    case "error" -> badCloses.add("error " + frame.path("data"));
                    default -> {}
                }
            }
        }

        synchronized void closed(int code, String reason) {
            closes++;
            if (code != DROP_CLOSE || dropNanos == 0) {
                badCloses.add(code + " " + reason);
            }
        }

        synchronized void failed(Throwable x) {
            lastFailure = x;
            if (dropNanos != 0) {
                failedAfterDrop.add(sinceDrop());
            } else {
                phaseOneFailures++;
            }
        }

        @Override
        public synchronized String toString() {
            return "socket " + index + " {highest " + highest + ", received " + received + ", duplicates " + duplicates
                    + ", gaps " + gaps + ", resets " + resets + ", closes " + closes + " " + badCloses + ", readies "
                    + readies + ", tries since drop " + triesSinceDrop + ", last failure " + lastFailure + "}";
        }
    }

    /** One connection attempt of a client; whichever of close, error or a failed connect comes first ends it. */
    public final class Connection implements Session.Listener.AutoDemanding {
        private final Client client;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final Semaphore gate;
        private final AtomicBoolean gateReleased = new AtomicBoolean();
        private volatile boolean open;

        Connection(Client client, Semaphore gate) {
            this.client = client;
            this.gate = gate;
        }

        private void releaseGate() {
            if (gate != null && gateReleased.compareAndSet(false, true)) {
                gate.release();
            }
        }

        @Override
        public void onWebSocketOpen(Session session) {
            open = true;
            releaseGate();
            client.opened(session);
        }

        @Override
        public void onWebSocketText(String message) {
            client.text(message);
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            if (open) {
                client.closed(statusCode, reason);
            }
            end(null);
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            end(cause);
        }

        void end(Throwable failure) {
            releaseGate();
            if (!ended.compareAndSet(false, true) || stopping) {
                return;
            }
            if (!open) {
                client.failed(failure);
            }
            client.retryLater();
        }
    }
}
