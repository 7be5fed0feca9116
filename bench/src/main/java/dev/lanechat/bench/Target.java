package dev.lanechat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** A server under test: Lanechat (a separate JVM) or a peer (a Node process), all on loopback. */
abstract class Target implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final String name;
    final Path work;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    final AtomicLong httpRequests = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    Proc proc;
    String base; // http://127.0.0.1:PORT

    Target(String name, Path work) {
        this.name = name;
        this.work = work;
    }

    abstract URI wsUri();

    abstract Gen.Proto proto();

    abstract void start() throws Exception;

    /** Prepares {@code n} submits (Lanechat: conversations of 10 messages each); not timed. */
    void prepare(int n) throws Exception {}

    /** Submits task number {@code i}; completes with its task id. */
    abstract CompletableFuture<String> submit(int i);

    /** GET of a task (the polling fallback): completes with its status and updated_at (epoch µs). */
    abstract CompletableFuture<TaskState> task(String taskId);

    /** Drops every socket at once: Lanechat restarts its process; a peer closes them (it keeps its memory). */
    abstract String storm() throws Exception;

    /** Heap used after a full GC, bytes. */
    abstract long heapAfterGc() throws Exception;

    /** What this target does per task that a peer does not (or says it is a peer). */
    abstract String work();

    record TaskState(String status, long updatedMicros) {
        boolean done() {
            return status.equals("completed") || status.equals("failed");
        }
    }

    long rss() {
        return proc.rssBytes();
    }

    long cpuNanos() {
        return proc.cpuNanos();
    }

    /** updated_at of each task, epoch µs, fetched after a run (not timed), at most 16 requests at once. */
    Map<String, Long> completedAt(Collection<String> taskIds) throws InterruptedException {
        Map<String, Long> out = new ConcurrentHashMap<>();
        Semaphore slots = new Semaphore(16);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (String id : taskIds) {
            slots.acquire();
            all.add(task(id).whenComplete((t, e) -> {
                slots.release();
                if (t != null && t.done()) {
                    out.put(id, t.updatedMicros());
                }
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        return out;
    }

    CompletableFuture<HttpResponse<String>> send(HttpRequest request) {
        httpRequests.incrementAndGet();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(r -> {
            if (r.statusCode() == 429) {
                rateLimited.incrementAndGet();
                long wait = r.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
                return CompletableFuture.supplyAsync(() -> null,
                        CompletableFuture.delayedExecutor(wait, java.util.concurrent.TimeUnit.MILLISECONDS))
                        .thenCompose(x -> send(request));
            }
            return CompletableFuture.completedFuture(r);
        });
    }

    static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static JsonNode json(HttpResponse<String> r) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (proc != null) {
            proc.close();
        }
    }

    // ------------------------------------------------------------------------------------------

    /** The Lanechat server jar, run as {@code java -jar … serve} in its own process. */
    static final class Lanechat extends Target {
        final Path jar;
        final String db; // null: SQLite in the data dir
        final int demoDelayMs;
        final Path dataDir;
        int port;
        final List<String> conversations = new ArrayList<>();
        final AtomicInteger nextConversation = new AtomicInteger();
        static final Map<Path, String> HELP = new ConcurrentHashMap<>();
        static final AtomicInteger STARTS = new AtomicInteger();

        Lanechat(String name, Path work, Path jar, String db, int demoDelayMs) throws Exception {
            super(name, work);
            this.jar = jar;
            this.db = db;
            this.demoDelayMs = demoDelayMs;
            this.dataDir = Files.createDirectories(work.resolve(name + "-data"));
        }

        /** Copies the server jar once per run (its owner rebuilds it often). */
        static Path copyJar(Path jar, Path work) throws Exception {
            Path copy = work.resolve("lanechat-server.jar");
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            return copy;
        }

        @Override
        URI wsUri() {
            return URI.create(base.replace("http://", "ws://") + "/ws");
        }

        @Override
        Gen.Proto proto() {
            return Gen.Proto.PLAIN;
        }

        List<String> command(int p) throws Exception {
            List<String> cmd = Proc.list("java", "-jar", jar.toString(), "serve", "--port", Integer.toString(p),
                    "--data-dir", dataDir.toString(), "--demo-delay-ms", Integer.toString(demoDelayMs));
            if (db != null) {
                cmd.addAll(List.of("--db", db));
            }
            String help = HELP.computeIfAbsent(jar, j -> {
                try {
                    return Proc.run(List.of("java", "-jar", j.toString(), "serve", "--help"), Duration.ofSeconds(60));
                } catch (Exception e) {
                    return "";
                }
            });
            // Limits meant for browsers, lifted for a benchmark when this build has them.
            if (help.contains("--max-sockets")) {
                cmd.addAll(List.of("--max-sockets", "1000000"));
            }
            if (help.contains("--send-per-minute")) {
                cmd.addAll(List.of("--send-per-minute", "1000000"));
            }
            return cmd;
        }

        @Override
        void start() throws Exception {
            proc = Proc.start(command(port), null, work.resolve(name + "-server-" + STARTS.incrementAndGet() + ".log"),
                    Pattern.compile("Lanechat listening on (http://\\S+)"));
            base = proc.awaitReady(Duration.ofSeconds(90));
            port = URI.create(base).getPort();
        }

        @Override
        void prepare(int n) throws Exception {
            int need = Math.max(1, (n + 9) / 10);
            while (conversations.size() < need) {
                HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/conversations"))
                        .POST(HttpRequest.BodyPublishers.noBody()).build();
                conversations.add(json(send(r).get()).get("id").asText());
            }
            nextConversation.set(0);
        }

        @Override
        CompletableFuture<String> submit(int i) {
            if (conversations.isEmpty()) {
                try {
                    prepare(1);
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            String c = conversations.get(Math.floorMod(nextConversation.getAndIncrement() / 10, conversations.size()));
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/conversations/" + c + "/messages"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"bench " + i + "\"}")).build();
            return send(r).thenApply(resp -> json(resp).get("task_id").asText());
        }

        @Override
        CompletableFuture<TaskState> task(String taskId) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/tasks/" + taskId)).GET().build();
            return send(r).thenApply(resp -> {
                JsonNode t = json(resp);
                return new TaskState(t.get("status").asText(), micros(t.get("updated_at").asText()));
            });
        }

        @Override
        String storm() throws Exception {
            proc.stop(Duration.ofSeconds(30));
            start();
            return "server process restarted (SIGTERM: sockets closed with 1001, then a new JVM on the same port and store)";
        }

        @Override
        long heapAfterGc() throws Exception {
            Proc.run(List.of("jcmd", Long.toString(proc.pid()), "GC.run"), Duration.ofSeconds(60));
            String metrics = send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build()).get().body();
            return (long) sumMetric(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
        }

        /** Sum of the samples of a metric whose labels contain {@code labelPart}. */
        static double sumMetric(String text, String metric, String labelPart) {
            double sum = 0;
            for (String line : text.split("\n")) {
                if (line.startsWith(metric + "{") && line.contains(labelPart)) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        String metrics() throws Exception {
            return send(HttpRequest.newBuilder(URI.create(base + "/metrics")).GET().build()).get().body();
        }

        @Override
        String work() {
            return db == null ? "durable: user message + pending answer + task (1 SQLite transaction), claim (1), "
                    + "result + answer + event log row (1), then push"
                    : "durable: the same three transactions on PostgreSQL";
        }
    }

    /** A Node peer from bench/peers (ws or Socket.IO), in-memory only. */
    static final class Peer extends Target {
        final Path peersDir;
        final String kind;
        final int delayMs;

        Peer(String name, Path work, Path peersDir, String kind, int delayMs) {
            super(name, work);
            this.peersDir = peersDir;
            this.kind = kind;
            this.delayMs = delayMs;
        }

        @Override
        URI wsUri() {
            String ws = base.replace("http://", "ws://");
            return URI.create(kind.equals("ws") ? ws + "/ws" : ws + "/socket.io/?EIO=4&transport=websocket");
        }

        @Override
        Gen.Proto proto() {
            return kind.equals("ws") ? Gen.Proto.PLAIN : Gen.Proto.SOCKETIO;
        }

        @Override
        void start() throws Exception {
            proc = Proc.start(List.of("node", "--expose-gc", "server.js", "--kind", kind, "--port", "0"), peersDir,
                    work.resolve(name + "-peer.log"), Pattern.compile("listening on (http://\\S+)"));
            base = proc.awaitReady(Duration.ofSeconds(30));
        }

        @Override
        CompletableFuture<String> submit(int i) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/tasks?delay_ms=" + delayMs))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"bench " + i + "\"}")).build();
            return send(r).thenApply(resp -> json(resp).get("task_id").asText());
        }

        @Override
        CompletableFuture<TaskState> task(String taskId) {
            HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/tasks/" + taskId)).GET().build();
            return send(r).thenApply(resp -> {
                JsonNode t = json(resp);
                return new TaskState(t.get("status").asText(), micros(t.get("updated_at").asText()));
            });
        }

        @Override
        String storm() throws Exception {
            send(HttpRequest.newBuilder(URI.create(base + "/drop")).POST(HttpRequest.BodyPublishers.noBody()).build()).get();
            return "every socket closed by the peer (POST /drop; the process and its in-memory log stay up — "
                    + "a restart would lose the log, so a peer cannot be compared on a restart)";
        }

        @Override
        long heapAfterGc() throws Exception {
            return json(send(HttpRequest.newBuilder(URI.create(base + "/stats?gc=1")).GET().build()).get())
                    .get("heap_used").asLong();
        }

        @Override
        String work() {
            return "in memory: no durable log, no database, no transaction (a timer completes the task)";
        }
    }
}
