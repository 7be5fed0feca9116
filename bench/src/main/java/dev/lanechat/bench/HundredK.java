package dev.lanechat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Issue 16's 100,000-socket run: NODES Lanechat nodes on one PostgreSQL, one port each (19301…;
 * SO_REUSEPORT on one port was not tried), and one {@link SpreadHold} generator process per node,
 * each from its own source address 127.0.0.(20+g) and under its own open-file limit. Socket
 * {@code i} of every generator is user {@code i % USERS}, so each user has sockets on every node;
 * each user then sends one message to node {@code u % NODES}, and every socket must receive that
 * task's {@code task.completed}: on the node that ran it, or through PostgreSQL from another node
 * (the same-node and cross-node latencies are reported apart, completion stamp → receipt).
 *
 * <p>Marks: nodes started, sockets connected, held idle 30 s, events delivered; at each the nodes'
 * live heap (after a full GC), RSS, open sockets and CPU. Writes WORK/result.md.
 * Usage: HundredK WORK SERVER_JAR NODES SOCKETS USERS DB_URL (bench/hundred-k.sh sets these up)
 */
public final class HundredK {
    private static final int FIRST_PORT = 19301;
    private static final Duration IDLE = Duration.ofSeconds(30);
    /**
     * Handshakes in flight per generator. With 256 each (1,536 in all on 2 cores) handshakes queued
     * past the generator's 30 s limit and the nodes' 4-connection pools ran dry: 60,841 of 100,000.
     * With 48 and retries, the retries of the sockets that timed out fed a storm on the starved
     * machine (load average 176). 16 each keeps it ramping.
     */
    private static final int IN_FLIGHT = 16;
    /**
     * Pooled PostgreSQL connections per node: 6 × (12 + the writer's own) = 78 stay under
     * PostgreSQL's default 100 connections. With 4 (3 after the event listener's), every connect's
     * token and event-bounds reads queued for the pool and timed out after 5 s.
     */
    private static final int DB_POOL = 12;

    private final Path work;
    private final Path jar;
    private final int nodes;
    private final int sockets;
    private final int users;
    private final String db;
    private final List<Proc> nodeProcs = new ArrayList<>();
    private final List<String> bases = new ArrayList<>();
    private final List<Proc> generators = new ArrayList<>();
    private final List<BlockingQueue<String>> reports = new ArrayList<>();
    private final Http http = new Http("hundredk-http", 8);
    private final StringBuilder md = new StringBuilder();
    private List<String> tokens;

    private HundredK(String[] args) {
        work = Path.of(args[0]);
        jar = Path.of(args[1]);
        nodes = Integer.parseInt(args[2]);
        sockets = Integer.parseInt(args[3]);
        users = Integer.parseInt(args[4]);
        db = args[5];
    }

    public static void main(String[] args) throws Exception {
        HundredK run = new HundredK(args);
        try {
            run.run();
        } finally {
            run.stop();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        log("machine: " + Runtime.getRuntime().availableProcessors() + " CPU(s), load average "
                + Files.readString(Path.of("/proc/loadavg")).strip() + "; " + nodes + " nodes, " + sockets
                + " sockets, " + users + " users");
        tokens = Users.add(jar, work, db, users);
        Path tokenFile = work.resolve("tokens.txt");
        Files.write(tokenFile, tokens, StandardCharsets.UTF_8);
        startNodes();
        List<NodeSample> started = sampleNodes();
        log("nodes started: " + bases);

        long c0 = System.nanoTime();
        int[] live = connect(tokenFile);
        long connectNanos = System.nanoTime() - c0;
        List<NodeSample> connected = sampleNodes();
        int totalLive = java.util.Arrays.stream(live).sum();
        log(String.format(
                Locale.ROOT,
                "connected: %,d of %,d sockets in %.1f s (%.0f/s)",
                totalLive,
                sockets,
                connectNanos / 1e9,
                totalLive / (connectNanos / 1e9)));

        long[] idleCpu0 = cpuOfNodes();
        long i0 = System.nanoTime();
        Thread.sleep(IDLE.toMillis());
        long[] idleCpu1 = cpuOfNodes();
        long idleNanos = System.nanoTime() - i0;
        List<NodeSample> idle = sampleNodes();
        log("held idle " + IDLE.toSeconds() + " s");

        long d0 = System.nanoTime();
        Map<String, Integer> nodeOfTask = new ConcurrentHashMap<>();
        Map<String, Integer> userOfTask = new ConcurrentHashMap<>();
        sendOnePerUser(nodeOfTask, userOfTask);
        Deliveries deliveries = awaitDeliveries(totalLive, Duration.ofSeconds(120));
        long deliverNanos = System.nanoTime() - d0;
        List<NodeSample> delivered = sampleNodes();
        log("delivered: " + deliveries.received() + " of " + totalLive + " in " + deliverNanos / 1_000_000 + " ms");

        Map<String, Long> completedAt = completedAt(userOfTask);
        write(started, connected, idle, delivered, live, connectNanos, idleCpu0, idleCpu1, idleNanos, deliverNanos);
        writeDeliveries(deliveries, totalLive, nodeOfTask, completedAt);
        Files.writeString(work.resolve("result.md"), md.toString(), StandardCharsets.UTF_8);
        log("written: " + work.resolve("result.md"));
    }

    private void startNodes() throws Exception {
        for (int n = 0; n < nodes; n++) {
            List<String> cmd = Proc.list(
                    "java",
                    "-Xmx1g",
                    "-jar",
                    jar.toString(),
                    "serve",
                    "--port",
                    Integer.toString(FIRST_PORT + n),
                    "--data-dir",
                    work.resolve("node-" + n).toString(),
                    "--db",
                    db,
                    "--db-pool",
                    Integer.toString(DB_POOL),
                    "--auth",
                    "token",
                    "--demo-delay-ms",
                    "0",
                    "--max-sockets",
                    "19000",
                    "--max-sockets-per-user",
                    "100000",
                    "--send-per-minute",
                    "1000000",
                    "--send-burst",
                    "1000000",
                    "--conversation-per-minute",
                    "1000000",
                    "--conversation-burst",
                    "1000000");
            nodeProcs.add(Proc.start(
                    cmd,
                    null,
                    work.resolve("node-" + n + ".log"),
                    Pattern.compile("Lanechat listening on (http://\\S+)")));
        }
        for (Proc p : nodeProcs) {
            bases.add(p.awaitReady(Duration.ofSeconds(120)));
        }
    }

    /** Starts one generator per node, all at once; returns each one's live sockets once all have ramped. */
    private int[] connect(Path tokenFile) throws Exception {
        String self = Path.of(HundredK.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .toString();
        for (int g = 0; g < nodes; g++) {
            int share = sockets / nodes + (g < sockets % nodes ? 1 : 0);
            String ws = bases.get(g).replaceFirst("^http", "ws") + "/ws";
            Proc p = Proc.start(
                    List.of(
                            "java",
                            "-Xmx768m",
                            "-cp",
                            self,
                            SpreadHold.class.getName(),
                            ws,
                            tokenFile.toString(),
                            Integer.toString(share),
                            "127.0.0." + (20 + g),
                            Integer.toString(IN_FLIGHT)),
                    null,
                    work.resolve("gen-" + g + ".log"),
                    Pattern.compile("^RAMPED (.*)"));
            BlockingQueue<String> q = new LinkedBlockingQueue<>();
            p.onLine(line -> {
                if (line.startsWith("REPORT ")) {
                    q.add(line);
                }
            });
            generators.add(p);
            reports.add(q);
        }
        int[] live = new int[nodes];
        for (int g = 0; g < nodes; g++) {
            String ramped = generators.get(g).awaitReady(Duration.ofMinutes(20));
            log("generator " + g + ": " + ramped);
            live[g] = (int) field(ramped, "live");
        }
        return live;
    }

    /** Each user opens a conversation and sends one message, on node {@code u % nodes}, 64 at a time. */
    private void sendOnePerUser(Map<String, Integer> nodeOfTask, Map<String, Integer> userOfTask) throws Exception {
        Semaphore slots = new Semaphore(64);
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int u = 0; u < users; u++) {
            int user = u;
            int node = u % nodes;
            String base = bases.get(node);
            String bearer = "Bearer " + tokens.get(u);
            slots.acquire();
            all.add(http.post(base + "/api/conversations", bearer, null)
                    .thenCompose(r -> http.post(
                            base + "/api/conversations/"
                                    + Target.json(r).get("id").asText() + "/messages",
                            bearer,
                            "{\"content\":\"hundred-k " + user + "\"}"))
                    .thenAccept(r -> {
                        String task = Target.json(r).get("task_id").asText();
                        nodeOfTask.put(task, node);
                        userOfTask.put(task, user);
                    })
                    .whenComplete((v, e) -> {
                        slots.release();
                        if (e != null) {
                            log("send of user " + user + " failed: " + e);
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        String sent = String.format(
                Locale.ROOT,
                "%,d of %,d messages accepted in %.1f s (a conversation made and a message sent per user, 64 users at once)",
                userOfTask.size(),
                users,
                (System.nanoTime() - t0) / 1e9);
        log("sent: " + sent);
        md.append("Sent: ").append(sent).append(".\n\n");
    }

    /** Asks every generator for its completions until all expected have arrived or {@code timeout} passes. */
    private Deliveries awaitDeliveries(int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int round = 0;
        while (true) {
            round++;
            Deliveries d = new Deliveries();
            for (int g = 0; g < nodes; g++) {
                Path file = work.resolve("completions-" + g + "-" + round + ".tsv");
                var in = generators.get(g).process.getOutputStream();
                in.write(("report " + file + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
                String line = reports.get(g).poll(60, TimeUnit.SECONDS);
                if (line == null) {
                    throw new IllegalStateException("generator " + g + " sent no report");
                }
                d.add(g, line, file);
            }
            if (d.received() >= expected || System.nanoTime() > deadline) {
                return d;
            }
            Thread.sleep(2000);
        }
    }

    private Map<String, Long> completedAt(Map<String, Integer> userOfTask) throws InterruptedException {
        Map<String, Long> out = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(16);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Map.Entry<String, Integer> e : userOfTask.entrySet()) {
            slots.acquire();
            int user = e.getValue();
            all.add(http.get(bases.get(user % nodes) + "/api/tasks/" + e.getKey(), "Bearer " + tokens.get(user))
                    .thenAccept(r -> {
                        JsonNode t = Target.json(r);
                        if (t.get("status").asText().equals("completed")) {
                            out.put(
                                    e.getKey(),
                                    Target.micros(t.get("updated_at").asText()));
                        }
                    })
                    .whenComplete((v, x) -> slots.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        return out;
    }

    private List<NodeSample> sampleNodes() throws Exception {
        List<NodeSample> out = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            out.add(NodeSample.of(nodeProcs.get(n).pid(), bases.get(n), http));
        }
        return out;
    }

    private long[] cpuOfNodes() {
        long[] out = new long[nodes];
        for (int n = 0; n < nodes; n++) {
            out[n] = Proc.cpuOf(nodeProcs.get(n).pid());
        }
        return out;
    }

    private void write(
            List<NodeSample> started,
            List<NodeSample> connected,
            List<NodeSample> idle,
            List<NodeSample> delivered,
            int[] live,
            long connectNanos,
            long[] idleCpu0,
            long[] idleCpu1,
            long idleNanos,
            long deliverNanos) {
        int totalLive = java.util.Arrays.stream(live).sum();
        md.append(String.format(
                Locale.ROOT,
                "Connected: **%,d of %,d** sockets in %.1f s, %.0f sockets/s over all nodes " + "(each generator "
                        + IN_FLIGHT + " handshakes in flight).%n%n",
                totalLive,
                sockets,
                connectNanos / 1e9,
                totalLive / (connectNanos / 1e9)));
        md.append("| node | sockets open | live heap MB (idle) | heap KB per socket | RSS MB (idle) "
                + "| RSS KB per socket | CPU cores connecting | CPU cores idle | CPU cores delivering "
                + "| push lag p99 ms (delivering) | stamp→commit p99 ms (delivering) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        long heapAll = 0, rssAll = 0, socketsAll = 0;
        for (int n = 0; n < nodes; n++) {
            NodeSample s0 = started.get(n), s2 = idle.get(n);
            long open = s2.socketsOpen();
            long heap = s2.liveHeapBytes() - s0.liveHeapBytes();
            long rss = s2.rssBytes() - s0.rssBytes();
            heapAll += heap;
            rssAll += rss;
            socketsAll += open;
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %,d | %.0f | %.2f | %.0f | %.1f | %.2f | %.3f | %.2f | %.1f | %.1f |%n",
                    n,
                    open,
                    s2.liveHeapBytes() / 1e6,
                    open == 0 ? Double.NaN : heap / 1024.0 / open,
                    s2.rssBytes() / 1e6,
                    open == 0 ? Double.NaN : rss / 1024.0 / open,
                    connected.get(n).coresSince(s0, connectNanos),
                    CpuUse.cores(idleCpu1[n] - idleCpu0[n], idleNanos),
                    delivered.get(n).coresSince(s2, deliverNanos),
                    1000
                            * MetricsHistogram.quantile(
                                    s2.metrics(), delivered.get(n).metrics(), "lanechat_push_lag_seconds", 0.99),
                    1000
                            * MetricsHistogram.quantile(
                                    s2.metrics(),
                                    delivered.get(n).metrics(),
                                    "lanechat_store_stamp_to_commit_seconds",
                                    0.99)));
        }
        md.append(String.format(
                Locale.ROOT,
                "| all | %,d | | %.2f | | %.1f | | | | | |%n%n",
                socketsAll,
                socketsAll == 0 ? Double.NaN : heapAll / 1024.0 / socketsAll,
                socketsAll == 0 ? Double.NaN : rssAll / 1024.0 / socketsAll));
        md.append("Per socket: (idle − started) / sockets open on that node. Generators: ");
        for (int g = 0; g < nodes; g++) {
            md.append(String.format(
                    Locale.ROOT,
                    "%s%d: %,d live, RSS %.0f MB",
                    g == 0 ? "" : "; ",
                    g,
                    live[g],
                    Proc.rssOf(generators.get(g).pid()) / 1e6));
        }
        md.append(".\n\n");
    }

    private void writeDeliveries(
            Deliveries d, int expected, Map<String, Integer> nodeOfTask, Map<String, Long> completedAt) {
        Deliveries.Latencies lat = d.latencies(nodeOfTask, completedAt);
        md.append(String.format(
                Locale.ROOT,
                "Delivered: **%,d of %,d** sockets got their user's task.completed (%,d missing, %d gaps, "
                        + "%d duplicates, %d sockets closed during the run).%n%n",
                d.received(),
                expected,
                Math.max(0, expected - d.received()),
                d.gaps(),
                d.duplicates(),
                d.closed()));
        md.append("| completion stamp → receipt | deliveries | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
        for (var row : List.of(
                Map.entry("same node (the one that took the message)", lat.sameNode()),
                Map.entry("cross-node (through PostgreSQL)", lat.crossNode()))) {
            Stats s = row.getValue();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.1f | %.1f | %.1f |%n",
                    row.getKey(),
                    s.count(),
                    s.ms(0.5),
                    s.ms(0.99),
                    s.maxMs()));
        }
        md.append('\n');
    }

    /** A {@code key=value} number of a generator's line. */
    static long field(String line, String key) {
        for (String f : line.split(" ")) {
            if (f.startsWith(key + "=")) {
                return Long.parseLong(f.substring(key.length() + 1));
            }
        }
        throw new IllegalStateException("no " + key + " in: " + line);
    }

    private void stop() {
        for (Proc p : generators) {
            p.stop(Duration.ofSeconds(5));
        }
        for (Proc p : nodeProcs) {
            p.stop(Duration.ofSeconds(20));
        }
        http.close();
    }

    private void log(String s) {
        System.out.println(java.time.LocalTime.now().withNano(0) + " " + s);
        System.out.flush();
    }

    /** {@code lanechat users add u0 … u(n-1)}: their tokens, in order. */
    static final class Users {
        private Users() {}

        static List<String> add(Path jar, Path work, String db, int n) throws Exception {
            List<String> cmd = Proc.list("java", "-jar", jar.toString(), "users", "add");
            for (int u = 0; u < n; u++) {
                cmd.add("u" + u);
            }
            cmd.addAll(List.of("--data-dir", work.resolve("users").toString(), "--db", db));
            Map<String, String> byName = new java.util.HashMap<>();
            for (String line : Proc.run(cmd, Duration.ofMinutes(5)).split("\\R")) {
                String[] f = line.split("\t");
                if (f.length == 2 && f[1].startsWith("lc_")) {
                    byName.put(f[0], f[1]);
                }
            }
            List<String> out = new ArrayList<>();
            for (int u = 0; u < n; u++) {
                out.add(java.util.Objects.requireNonNull(byName.get("u" + u), "no token for u" + u));
            }
            return out;
        }
    }
}
