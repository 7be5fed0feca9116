// Over 300 lines: the two kinds of target (a Lanechat JVM, a Node peer) behind one abstract class,
// each with how it starts, submits, answers a poll and is stormed; split, each would be half a story.
package dev.lanechat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
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
    private Http http;
    final AtomicLong httpRequests = new AtomicLong();
    final AtomicLong rateLimited = new AtomicLong();
    Proc proc;
    String base; // http://127.0.0.1:PORT
    /** How many users the run's sockets and tasks are spread over; 1 is Lanechat's open mode. */
    int users = 1;

    Target(String name, Path work) {
        this.name = name;
        this.work = work;
    }

    abstract URI wsUri();

    abstract Gen.Proto proto();

    /** Before {@link #start()}: spread the run over {@code n} users (each its own event log and sockets). */
    void useUsers(int n) {
        users = n;
    }

    /** Where streams subscribe, and as whom: stream {@code i} is user {@code i % users}. */
    Gen.Endpoint endpoint() {
        return new Gen.Endpoint(wsUri(), proto(), users, this::token);
    }

    /** What user {@code user}'s subscribe frame carries as its token. */
    abstract String token(int user);

    abstract void start() throws Exception;

    /** Prepares {@code n} more submits (Lanechat: conversations of 10 messages each); not timed. */
    void prepare(int n) throws Exception {}

    /** Submits task number {@code i}, as user {@code i % users}; completes with its task id. */
    CompletableFuture<String> submit(int i) {
        SubmitRequest r;
        try {
            r = submitRequest(i);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
        return retrying(() -> http().post(base + r.path(), r.authorization(), r.json()))
                .thenApply(resp -> {
                    String id = taskId(resp);
                    accepted(i, id);
                    return id;
                });
    }

    /** Submit number {@code i} as HTTP: a POST of {@code json} to {@code path}, with an Authorization header or null. */
    record SubmitRequest(String path, String authorization, String json) {}

    abstract SubmitRequest submitRequest(int i) throws Exception;

    /** Told each accepted submit's task id (Lanechat remembers token mode's task owners for their GETs). */
    void accepted(int i, String taskId) {}

    /** GET of a task (the polling fallback): completes with its status and updated_at (epoch µs). */
    abstract CompletableFuture<TaskState> task(String taskId);

    /** Drops every socket at once: Lanechat restarts its process; a peer closes them (it keeps its memory). */
    abstract String storm() throws Exception;

    /** Heap used after a full GC, bytes. */
    abstract long heapAfterGc() throws Exception;

    /** Live objects by class (runs a full GC), or null where there is no such thing (a Node peer). */
    HeapHistogram histogram() throws Exception {
        return null;
    }

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
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        return out;
    }

    /** The target's HTTP client, started on first use (a target built but never run starts none). */
    synchronized Http http() {
        if (http == null) {
            http = new Http(name + "-http", 8);
        }
        return http;
    }

    /** The Authorization header of a request as user {@code user} (-1: none), or null. */
    String authorization(int user) {
        return null;
    }

    CompletableFuture<Http.Response> get(String path, int user) {
        return retrying(() -> http().get(base + path, authorization(user)));
    }

    CompletableFuture<Http.Response> post(String path, int user, String json) {
        return retrying(() -> http().post(base + path, authorization(user), json));
    }

    /** Sends, and again after Retry-After (default 1 s) while the answer is 429. */
    private CompletableFuture<Http.Response> retrying(
            java.util.function.Supplier<CompletableFuture<Http.Response>> send) {
        httpRequests.incrementAndGet();
        return send.get().thenCompose(r -> {
            if (r.status() == 429) {
                rateLimited.incrementAndGet();
                long wait = Math.max(1, r.retryAfterSeconds()) * 1000;
                return CompletableFuture.supplyAsync(
                                () -> null,
                                CompletableFuture.delayedExecutor(wait, java.util.concurrent.TimeUnit.MILLISECONDS))
                        .thenCompose(x -> retrying(send));
            }
            return CompletableFuture.completedFuture(r);
        });
    }

    /** The task id of a submit's 2xx answer, by a scan for {@code "task_id":"} (no JSON tree per task). */
    static String taskId(Http.Response r) {
        String id = r.status() / 100 == 2 ? Frames.taskId(r.body()) : null;
        if (id == null) {
            throw new IllegalStateException("HTTP " + r.status() + ": " + r.body());
        }
        return id;
    }

    static long micros(String iso) {
        Instant t = Instant.parse(iso);
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    static JsonNode json(Http.Response r) {
        if (r.status() / 100 != 2) {
            throw new IllegalStateException("HTTP " + r.status() + ": " + r.body());
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
        synchronized (this) {
            if (http != null) {
                http.close();
                http = null;
            }
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
        /** Token mode's tokens by user index; empty in open mode (one user). */
        final List<String> tokens = new ArrayList<>();
        /** Per user: its conversations, and how many messages it has sent. */
        final List<List<String>> conversations = new ArrayList<>();

        final List<AtomicInteger> sent = new ArrayList<>();
        final Map<String, Integer> userOfTask = new ConcurrentHashMap<>();
        static final Map<Path, String> HELP = new ConcurrentHashMap<>();
        static final AtomicInteger STARTS = new AtomicInteger();

        Lanechat(String name, Path work, Path jar, String db, int demoDelayMs) throws Exception {
            super(name, work);
            this.jar = jar;
            this.db = db;
            this.demoDelayMs = demoDelayMs;
            this.dataDir = Files.createTempDirectory(work, name + "-data-"); // its own store, per target
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

        @Override
        String token(int user) {
            return tokens.isEmpty() ? "stream" : tokens.get(user);
        }

        /** Token mode's users u0…u(n-1), made by {@code lanechat users add} in one call, before the server starts. */
        private void createUsers() throws Exception {
            List<String> cmd = Proc.list("java", "-jar", jar.toString(), "users", "add");
            for (int u = 0; u < users; u++) {
                cmd.add("u" + u);
            }
            cmd.addAll(List.of("--data-dir", dataDir.toString()));
            if (db != null) {
                cmd.addAll(List.of("--db", db));
            }
            Map<String, String> byName = new java.util.HashMap<>();
            for (String line : Proc.run(cmd, Duration.ofMinutes(5)).split("\\R")) {
                String[] f = line.split("\t");
                if (f.length == 2 && f[1].startsWith("lc_")) {
                    byName.put(f[0], f[1]);
                }
            }
            for (int u = 0; u < users; u++) {
                tokens.add(java.util.Objects.requireNonNull(byName.get("u" + u), "no token for u" + u));
            }
        }

        /** Token mode's bearer headers by user, made once (not per request). */
        private final List<String> bearers = new ArrayList<>();

        @Override
        String authorization(int user) {
            if (tokens.isEmpty() || user < 0) {
                return null;
            }
            synchronized (bearers) {
                while (bearers.size() < tokens.size()) {
                    bearers.add("Bearer " + tokens.get(bearers.size()));
                }
                return bearers.get(user);
            }
        }

        List<String> command(int p) throws Exception {
            List<String> cmd = new java.util.ArrayList<>(List.of("java"));
            String jvm = System.getenv("LANECHAT_SERVER_JVM_ARGS");
            if (jvm != null && !jvm.isBlank()) {
                cmd.addAll(List.of(jvm.trim().split("\\s+")));
            }
            cmd.addAll(Proc.list(
                    "-jar",
                    jar.toString(),
                    "serve",
                    "--port",
                    Integer.toString(p),
                    "--data-dir",
                    dataDir.toString(),
                    "--demo-delay-ms",
                    Integer.toString(demoDelayMs)));
            if (db != null) {
                cmd.addAll(List.of("--db", db));
            }
            if (users > 1) {
                cmd.addAll(List.of("--auth", "token"));
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
            if (help.contains("--max-sockets-per-user")) {
                cmd.addAll(List.of("--max-sockets-per-user", "100000"));
            }
            if (help.contains("--send-per-minute")) {
                cmd.addAll(List.of("--send-per-minute", "1000000"));
            }
            if (help.contains("--conversation-per-minute")) {
                cmd.addAll(List.of("--conversation-per-minute", "1000000", "--conversation-burst", "1000000"));
            }
            return cmd;
        }

        @Override
        void start() throws Exception {
            if (users > 1 && tokens.isEmpty()) {
                createUsers();
            }
            proc = Proc.start(
                    command(port),
                    null,
                    work.resolve(name + "-server-" + STARTS.incrementAndGet() + ".log"),
                    Pattern.compile("Lanechat listening on (http://\\S+)"));
            base = proc.awaitReady(Duration.ofSeconds(90));
            port = URI.create(base).getPort();
        }

        /**
         * Makes sure each user has conversations for its share of {@code n} more submits, 10
         * messages each (a conversation's history is read per task: keep it short), 16 at a time.
         */
        @Override
        void prepare(int n) throws Exception {
            while (conversations.size() < users) {
                conversations.add(java.util.Collections.synchronizedList(new ArrayList<>()));
                sent.add(new AtomicInteger());
            }
            Semaphore slots = new Semaphore(16);
            List<CompletableFuture<?>> all = new ArrayList<>();
            int perUser = (n + users - 1) / users;
            for (int u = 0; u < users; u++) {
                int user = u;
                int need = (sent.get(u).get() + perUser + 9) / 10
                        - conversations.get(u).size();
                for (int k = 0; k < need; k++) {
                    slots.acquire();
                    all.add(post("/api/conversations", user, null)
                            .whenComplete((resp, e) -> slots.release())
                            .thenAccept(resp -> conversations
                                    .get(user)
                                    .add(json(resp).get("id").asText())));
                }
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
        }

        @Override
        SubmitRequest submitRequest(int i) throws Exception {
            int user = i % users;
            if (conversations.size() < users || conversations.get(user).isEmpty()) {
                prepare(users);
            }
            List<String> mine = conversations.get(user);
            String c = mine.get(Math.floorMod(sent.get(user).getAndIncrement() / 10, mine.size()));
            return new SubmitRequest(
                    "/api/conversations/" + c + "/messages", authorization(user), "{\"content\":\"bench " + i + "\"}");
        }

        @Override
        void accepted(int i, String taskId) {
            int user = i % users;
            if (user != 0) {
                userOfTask.put(taskId, user);
            }
        }

        @Override
        CompletableFuture<TaskState> task(String taskId) {
            return get("/api/tasks/" + taskId, userOfTask.getOrDefault(taskId, 0))
                    .thenApply(resp -> {
                        JsonNode t = json(resp);
                        return new TaskState(
                                t.get("status").asText(),
                                micros(t.get("updated_at").asText()));
                    });
        }

        @Override
        String storm() throws Exception {
            proc.stop(Duration.ofSeconds(30));
            start();
            return "server process restarted (SIGTERM: sockets closed with 1001, then a new JVM on the same port and store)";
        }

        @Override
        HeapHistogram histogram() throws Exception {
            return HeapHistogram.of(proc.pid());
        }

        @Override
        long heapAfterGc() throws Exception {
            Proc.run(List.of("jcmd", Long.toString(proc.pid()), "GC.run"), Duration.ofSeconds(60));
            String metrics = get("/metrics", -1).get().body();
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
            return get("/metrics", -1).get().body();
        }

        @Override
        String work() {
            return db == null
                    ? "durable: user message + pending answer + task, handed to an idle runner in the same "
                            + "transaction (a claim of its own only when none is idle), then result + answer + event "
                            + "log row in a second; the writer commits what is queued in one transaction (one fsync), "
                            + "then pushes"
                    : "durable: the same two transactions on PostgreSQL, batched per node";
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
        String token(int user) {
            return users == 1 ? "stream" : "u" + user;
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
            installed(peersDir);
            proc = Proc.start(
                    List.of("node", "--expose-gc", "server.js", "--kind", kind, "--port", "0"),
                    peersDir,
                    work.resolve(name + "-peer.log"),
                    Pattern.compile("listening on (http://\\S+)"));
            base = proc.awaitReady(Duration.ofSeconds(30));
        }

        /**
         * Makes sure the peers' packages are installed ({@code npm ci}) unless node_modules is newer
         * than the lockfile and holds both servers. A missing or half-removed node_modules (an
         * {@code npm ci} of another run in the same folder, or a run started as {@code java -jar}
         * without run.sh) made every peer exit at once with "Cannot find module 'ws'", which the
         * run reported as "process ended before it was ready" for every peer of every scenario.
         */
        static synchronized void installed(Path peersDir) throws Exception {
            Path modules = peersDir.resolve("node_modules");
            Path hidden = modules.resolve(".package-lock.json");
            Path lock = peersDir.resolve("package-lock.json");
            boolean ok = Files.isRegularFile(hidden)
                    && Files.getLastModifiedTime(hidden).compareTo(Files.getLastModifiedTime(lock)) >= 0
                    && Files.isRegularFile(modules.resolve("ws/package.json"))
                    && Files.isRegularFile(modules.resolve("socket.io/package.json"));
            if (!ok) {
                Proc.run(
                        List.of(
                                "npm",
                                "ci",
                                "--prefix",
                                peersDir.toString(),
                                "--no-audit",
                                "--no-fund",
                                "--loglevel=error"),
                        Duration.ofMinutes(5));
            }
        }

        @Override
        SubmitRequest submitRequest(int i) {
            return new SubmitRequest(
                    "/tasks?delay_ms=" + delayMs + "&user=" + token(i % users),
                    null,
                    "{\"content\":\"bench " + i + "\"}");
        }

        @Override
        CompletableFuture<TaskState> task(String taskId) {
            return get("/tasks/" + taskId, 0).thenApply(resp -> {
                JsonNode t = json(resp);
                return new TaskState(
                        t.get("status").asText(), micros(t.get("updated_at").asText()));
            });
        }

        @Override
        String storm() throws Exception {
            post("/drop", -1, null).get();
            return "every socket closed by the peer (POST /drop; the process and its in-memory log stay up — "
                    + "a restart would lose the log, so a peer cannot be compared on a restart)";
        }

        @Override
        long heapAfterGc() throws Exception {
            return json(get("/stats?gc=1", -1).get()).get("heap_used").asLong();
        }

        @Override
        String work() {
            return "in memory: no durable log, no database, no transaction (a timer completes the task)";
        }
    }
}
