// Issue 9 benchmark (not a test): time to first visible text against time to the final answer,
// over the socket (progress frames, then task.completed) and with the HTTP polling fallback
// (GET /api/tasks/{id}, which only ever sees the end). JDK only, so it also runs as a single
// source file without building the bench module:
//
//   java bench/src/main/java/dev/lanechat/bench/StreamingLatency.java \
//       --server-jar server/target/lanechat-server.jar [--delay-ms 2000] [--runs 20] [--poll-ms 1000]
//   java bench/src/main/java/dev/lanechat/bench/StreamingLatency.java --url http://127.0.0.1:8080
//
// With --server-jar it starts its own server (demo lane, --demo-delay-ms = --delay-ms) on a
// fresh data dir and stops it at the end. Prints a Markdown table (see bench/STREAMING.md).
package dev.lanechat.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class StreamingLatency {
    private static final Pattern TASK_ID = Pattern.compile("\"task_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern CONV_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    /** task id → nanoTime of its first progress frame / of its task.completed (or failed) event. */
    private final Map<String, Long> firstProgress = new ConcurrentHashMap<>();

    private final Map<String, CompletableFuture<Long>> finals = new ConcurrentHashMap<>();

    private StreamingLatency(String base) {
        this.base = base;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new java.util.HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        int delayMs = Integer.parseInt(a.getOrDefault("delay-ms", "2000"));
        int runs = Integer.parseInt(a.getOrDefault("runs", "20"));
        int pollMs = Integer.parseInt(a.getOrDefault("poll-ms", "1000"));
        Process server = null;
        String url = a.get("url");
        Path dataDir = null;
        if (url == null) {
            String jar = a.getOrDefault("server-jar", "server/target/lanechat-server.jar");
            dataDir = Files.createTempDirectory("lanechat-streaming-bench");
            server = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-jar",
                            jar,
                            "serve",
                            "--port",
                            "0",
                            "--data-dir",
                            dataDir.toString(),
                            "--demo-delay-ms",
                            String.valueOf(delayMs))
                    .redirectErrorStream(true)
                    .start();
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = Pattern.compile("Lanechat listening on (http://\\S+?)/?$")
                        .matcher(line);
                if (m.find()) {
                    url = m.group(1);
                    break;
                }
            }
            if (url == null) {
                throw new IllegalStateException("the server printed no listening line");
            }
            Process p = server;
            Thread drain = new Thread(() -> {
                try {
                    r.transferTo(java.io.Writer.nullWriter());
                } catch (Exception ignored) {
                    // the server is stopping
                }
            });
            drain.setDaemon(true);
            drain.start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        }
        try {
            new StreamingLatency(url).run(runs, pollMs, delayMs);
        } finally {
            if (server != null) {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private void run(int runs, int pollMs, int delayMs) throws Exception {
        WebSocket ws = connect();
        // Warm-up (JIT, SQLite, first connection), not measured.
        for (int i = 0; i < 3; i++) {
            viaSocket();
        }
        List<double[]> socket = new ArrayList<>();
        List<double[]> polling = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            socket.add(viaSocket());
            polling.add(viaPolling(pollMs));
        }
        ws.abort();
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage();
        System.out.printf(
                Locale.ROOT,
                "demo lane, --demo-delay-ms %d, %d runs per mode (interleaved), poll interval %d ms, %d CPUs, load average %.1f%n%n",
                delayMs,
                runs,
                pollMs,
                Runtime.getRuntime().availableProcessors(),
                load);
        System.out.println(
                "| mode | first visible text p50 / p90 / max (ms) | final answer p50 / p90 / max (ms) | text shown before the end, p50 (ms) |");
        System.out.println("|---|---|---|---|");
        row("socket (progress frames)", socket);
        row("polling fallback (" + pollMs + " ms)", polling);
        System.out.println();
        System.out.println("Times are from just before `POST …/messages` to the arrival of the first `progress` frame");
        System.out.println(
                "(socket) or of the poll answer that shows the task ended (polling, which has no partial text).");
    }

    private static void row(String name, List<double[]> samples) {
        List<Double> first = new ArrayList<>();
        List<Double> fin = new ArrayList<>();
        List<Double> lead = new ArrayList<>();
        for (double[] s : samples) {
            first.add(s[0]);
            fin.add(s[1]);
            lead.add(s[1] - s[0]);
        }
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %.0f |%n", name, pct(first), pct(fin), q(lead, 0.5));
    }

    private static String pct(List<Double> v) {
        return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", q(v, 0.5), q(v, 0.9), q(v, 1.0));
    }

    private static double q(List<Double> v, double p) {
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int i = (int) Math.ceil(p * s.size()) - 1;
        return s.get(Math.max(0, Math.min(s.size() - 1, i)));
    }

    // ---- socket -------------------------------------------------------------------------------

    private WebSocket connect() throws Exception {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/ws"), new WebSocket.Listener() {
                    private final StringBuilder buf = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        buf.append(data);
                        if (last) {
                            frame(buf.toString(), ready);
                            buf.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        var unused = ws.sendText("{\"token\":\"stream\"}", true);
        ready.get(10, TimeUnit.SECONDS);
        return ws;
    }

    private void frame(String text, CompletableFuture<Void> ready) {
        long now = System.nanoTime();
        if (text.startsWith("{\"event\":\"ready\"") || text.contains("\"event\":\"ready\"")) {
            ready.complete(null);
            return;
        }
        Matcher m = TASK_ID.matcher(text);
        if (!m.find()) {
            return;
        }
        String task = m.group(1);
        if (text.contains("\"event\":\"progress\"")) {
            firstProgress.putIfAbsent(task, now);
        } else if (text.contains("\"task.completed\"") || text.contains("\"task.failed\"")) {
            finals.computeIfAbsent(task, k -> new CompletableFuture<>()).complete(now);
        }
    }

    private double[] viaSocket() throws Exception {
        String conversation = createConversation();
        long t0 = System.nanoTime();
        String task = send(conversation);
        long end = finals.computeIfAbsent(task, k -> new CompletableFuture<>()).get(60, TimeUnit.SECONDS);
        Long first = firstProgress.get(task);
        long firstAt = first == null ? end : Math.min(first, end);
        return new double[] {(firstAt - t0) / 1e6, (end - t0) / 1e6};
    }

    // ---- polling ------------------------------------------------------------------------------

    private double[] viaPolling(int pollMs) throws Exception {
        String conversation = createConversation();
        long t0 = System.nanoTime();
        String task = send(conversation);
        for (; ; ) {
            Thread.sleep(pollMs);
            String body = get("/api/tasks/" + task);
            Matcher m = STATUS.matcher(body);
            if (m.find() && (m.group(1).equals("completed") || m.group(1).equals("failed"))) {
                double at = (System.nanoTime() - t0) / 1e6;
                return new double[] {at, at}; // the end is the first (and only) text polling can show
            }
        }
    }

    // ---- HTTP ---------------------------------------------------------------------------------

    private String createConversation() throws Exception {
        Matcher m = CONV_ID.matcher(post("/api/conversations", "{}"));
        if (!m.find()) {
            throw new IllegalStateException("no conversation id");
        }
        return m.group(1);
    }

    private String send(String conversation) throws Exception {
        String body = post(
                "/api/conversations/" + conversation + "/messages",
                "{\"content\":\"tell me a story in a few streamed pieces, please\"}");
        Matcher m = TASK_ID.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no task id in " + body);
        }
        return m.group(1);
    }

    private String post(String path, String json) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String get(String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
