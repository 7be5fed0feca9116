// Lanechat conversation-length benchmark (issue 15: "cost per task flat in conversation length").
// JDK + jtokkit only; run through bench/conversation-length.sh, which puts jtokkit on the classpath.
//
// It starts its own server (the jar, SQLite, open mode, demo lane thinking 0 ms) with a second lane,
// `gpt`, of processor openai pointed at a stand-in endpoint inside this program, and:
// 1. seeds one conversation of --long messages and --shorts conversations of --short messages
//    through the API (each send on the demo lane adds the message and its answer: two messages),
//    --senders threads in parallel;
// 2. measures tasks/s on the demo lane (HTTP submit .. task.completed on one socket) with --senders
//    threads, --tasks tasks a round, into the long conversation and into the short ones, rounds
//    interleaved (S L, L S, …) so that the machine's drift falls on both; and the server's CPU per
//    task from /proc;
// 3. sends one message on the gpt lane in the long conversation and one in a short one, and counts
//    the stand-in's request: messages, bytes and o200k_base tokens against the lane's window.
// Writes a Markdown report (--out).
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ConversationLengthBench {
    static final Pattern TASK = Pattern.compile("\"task_id\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    static final Pattern COUNT = Pattern.compile("\"message_count\":(\\d+)");
    static final Pattern MESSAGE = Pattern.compile("\"role\":\"(\\w+)\",\"content\":\"((?:[^\"\\\\]|\\\\.)*)\"");
    static final int WINDOW = 4096;
    /** About 250 bytes (a short paragraph), so a hundred messages (the server's history read) overflow the window. */
    static final String FILLER = "the tide came in over the flats while the gulls argued about the last of the light,"
            + " and somewhere behind the dunes a dog barked twice at nothing, the way dogs do when the evening turns"
            + " cold and the wind comes round from the north";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final Map<String, Long> completed = new ConcurrentHashMap<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    String base;

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].equals("--smoke")) a.put("smoke", "true");
            else a.put(argv[i].replaceFirst("^--", ""), argv[++i]);
        }
        boolean smoke = a.containsKey("smoke");
        int longMessages = Integer.parseInt(a.getOrDefault("long", smoke ? "200" : "10000"));
        int shortMessages = Integer.parseInt(a.getOrDefault("short", "10"));
        int shorts = Integer.parseInt(a.getOrDefault("shorts", smoke ? "10" : "200"));
        int tasks = Integer.parseInt(a.getOrDefault("tasks", smoke ? "100" : "1000"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", smoke ? "1" : "4"));
        int senders = Integer.parseInt(a.getOrDefault("senders", "8"));
        String jar = a.getOrDefault("server-jar", "server/target/lanechat-server.jar");
        Path out = Path.of(a.getOrDefault("out", smoke ? "bench/target/CONVERSATION-LENGTH-smoke.md" : "bench/CONVERSATION-LENGTH.md"));
        new ConversationLengthBench().run(jar, out, longMessages, shortMessages, shorts, tasks, rounds, senders,
                a.getOrDefault("command", "bench/conversation-length.sh"));
    }

    void run(String jar, Path out, int longMessages, int shortMessages, int shorts, int tasks, int rounds, int senders,
            String command) throws Exception {
        Instant started = Instant.now();
        long startedNanos = System.nanoTime();
        double loadStart = load();
        HttpServer standIn = standIn();
        Path dir = Files.createTempDirectory("lanechat-conversation-length");
        Path lanes = dir.resolve("lanes.yaml");
        Files.writeString(lanes, "lanes:\n  - name: demo\n    processor: demo\n    delay_ms: 0\n    default: true\n"
                + "  - name: gpt\n    processor: openai\n    base_url: http://127.0.0.1:" + standIn.getAddress().getPort()
                + "/v1\n    model: gpt-4o-mini\n    max_context_tokens: " + WINDOW + "\n    concurrency: 1\n");
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar,
                "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(), "--lanes", lanes.toString(),
                "--send-burst", "1000000", "--send-per-minute", "1000000", "--conversation-burst", "1000000",
                "--conversation-per-minute", "1000000").redirectErrorStream(true).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::destroyForcibly));
        base = listening(server);
        socket();
        StringBuilder md = new StringBuilder();
        try {
            // 1. Seed.
            String longOne = create();
            long t0 = System.nanoTime();
            seed(Collections.nCopies(longMessages / 2, longOne), senders * 2);
            double longSeedS = (System.nanoTime() - t0) / 1e9;
            List<String> shortOnes = new ArrayList<>();
            for (int i = 0; i < shorts; i++) shortOnes.add(create());
            List<String> shortSends = new ArrayList<>();
            for (int i = 0; i < shortMessages / 2; i++) shortSends.addAll(shortOnes);
            t0 = System.nanoTime();
            seed(shortSends, senders * 2);
            double shortSeedS = (System.nanoTime() - t0) / 1e9;
            int longCount = messageCount(longOne);
            System.out.printf("seeded: %,d messages in %.1f s; %d × %d in %.1f s%n", longCount, longSeedS, shorts,
                    messageCount(shortOnes.get(0)), shortSeedS);

            // 2. Measure, interleaved, after a warm-up in conversations of their own.
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < senders; i++) warm.add(create());
            measure(warm, tasks, senders, server.pid()); // the JIT settles (round 1 ran 25 % slow without)
            List<double[]> shortRuns = new ArrayList<>();
            List<double[]> longRuns = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                boolean shortFirst = r % 2 == 0;
                for (int k = 0; k < 2; k++) {
                    boolean isShort = (k == 0) == shortFirst;
                    double[] m = measure(isShort ? shortOnes : List.of(longOne), tasks, senders, server.pid());
                    (isShort ? shortRuns : longRuns).add(m);
                    System.out.printf("round %d %s: %.0f tasks/s, %.3f ms server CPU per task%n", r + 1,
                            isShort ? "short" : "long", m[0], m[1]);
                }
            }
            int longAfter = messageCount(longOne);
            int shortAfter = messageCount(shortOnes.get(0));

            // 3. The openai lane's request in a long and in a short conversation.
            Encoding o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
            openAiRequest(warm.get(0), o200k); // the first openai task sets up its HTTP client and JIT
            String[] longRequest = openAiRequest(longOne, o200k);
            String[] shortRequest = openAiRequest(shortOnes.get(1), o200k);

            double loadEnd = load();
            double shortRate = rate(shortRuns);
            double longRate = rate(longRuns);
            double ratio = longRate / shortRate;
            List<Double> ratios = new ArrayList<>();
            for (int r = 0; r < rounds; r++) ratios.add(longRuns.get(r)[0] / shortRuns.get(r)[0]);
            List<Double> sortedRatios = new ArrayList<>(ratios);
            Collections.sort(sortedRatios);
            double medianRatio = rounds % 2 == 1 ? sortedRatios.get(rounds / 2)
                    : (sortedRatios.get(rounds / 2 - 1) + sortedRatios.get(rounds / 2)) / 2;
            md.append("# Cost per task against conversation length (issue 15)\n\n");
            md.append("Written by `bench/conversation-length.sh` (`bench/conversation-length/ConversationLengthBench.java`),"
                    + " not part of `bench/run.sh` or of CI. Goal: tasks/s inside a conversation of 10,000 messages ≥ 0.9 ×"
                    + " tasks/s in conversations of 10.\n\n");
            md.append(String.format(Locale.ROOT, "Command: `%s` (run %s; took %.0f s; %d CPUs; load average at its start"
                    + " %.2f, at its end %.2f)%n%n", command, started, (System.nanoTime() - startedNanos) / 1e9,
                    Runtime.getRuntime().availableProcessors(), loadStart, loadEnd));
            md.append("Set-up: the server jar (`serve`, SQLite, open mode, its own JVM with default flags), the demo lane"
                    + " thinking 0 ms, an `openai` lane `gpt` (gpt-4o-mini, `max_context_tokens: " + WINDOW + "`) against a"
                    + " stand-in endpoint in the bench's JVM. One socket counts `task.completed` frames; tasks/s = tasks ÷"
                    + " (first submit .. last frame), " + senders + " HTTP senders (HTTP/1.1 keep-alive). Server CPU per task"
                    + " from /proc/PID/stat (utime + stime) over the round.\n\n");
            md.append(String.format(Locale.ROOT, "Seeding, through the API (`POST /api/conversations/{id}/messages` on the demo"
                    + " lane, %d threads in parallel; each send adds the message and its answer): the long conversation,"
                    + " %,d messages, in %.1f s (%.0f sends/s); %d conversations of %d messages in %.1f s.%n%n",
                    senders * 2, longCount, longSeedS, longMessages / 2 / longSeedS, shorts, shortMessages, shortSeedS));
            md.append("## Demo lane: tasks/s\n\n");
            md.append("| round | conversations | messages in them during the round | tasks | tasks/s | server CPU per task (ms) | long ÷ short |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            for (int r = 0; r < rounds; r++) {
                md.append(String.format(Locale.ROOT, "| %d | %d short | %d → %d | %d | %,.0f | %.3f | |%n", r + 1, shorts,
                        shortMessages + 2 * tasks * r / shorts, shortMessages + 2 * tasks * (r + 1) / shorts, tasks,
                        shortRuns.get(r)[0], shortRuns.get(r)[1]));
                md.append(String.format(Locale.ROOT, "| %d | 1 long | %,d → %,d | %d | %,.0f | %.3f | %.2f |%n", r + 1,
                        longCount + 2 * tasks * r, longCount + 2 * tasks * (r + 1), tasks, longRuns.get(r)[0],
                        longRuns.get(r)[1], ratios.get(r)));
            }
            md.append(String.format(Locale.ROOT, "%n**Long ÷ short: %.2f × tasks/s over all rounds** (%,.0f vs %,.0f; median of the rounds' ratios %.2f; goal ≥ 0.9);"
                    + " server CPU per task %.3f ms (long) vs %.3f ms (short). After the rounds the long conversation has"
                    + " %,d messages, each short one about %d.%n%n", ratio, longRate, shortRate, medianRatio, cpu(longRuns), cpu(shortRuns),
                    longAfter, shortAfter));
            md.append(String.format(Locale.ROOT, "Rounds alternate which goes first (short, long; long, short; …) and follow an"
                    + " unmeasured warm-up of %d tasks in conversations of their own.%n%n", tasks));
            md.append("## openai lane: the request stays bounded\n\n");
            md.append("One message on `gpt` in each conversation; the stand-in counts what it was sent (tokens with"
                    + " jtokkit's o200k_base, as OpenAI counts a chat prompt: 3 per message + role + content, 3 per prompt)."
                    + " The prompt's budget is the window less a quarter kept for the answer: " + (WINDOW - WINDOW / 4)
                    + " tokens.\n\n");
            md.append("One unmeasured openai task first, in another conversation (the lane's first call sets up its HTTP"
                    + " client).\n\n");
            md.append("| conversation | messages in it | messages sent | bytes sent | prompt tokens | window | task ms |\n");
            md.append("|---|---|---|---|---|---|---|\n");
            md.append(String.format(Locale.ROOT, "| long | %,d | %s | %s | %s | %d | %s |%n", longAfter, longRequest[0],
                    longRequest[1], longRequest[2], WINDOW, longRequest[3]));
            md.append(String.format(Locale.ROOT, "| short | %d | %s | %s | %s | %d | %s |%n%n", shortAfter, shortRequest[0],
                    shortRequest[1], shortRequest[2], WINDOW, shortRequest[3]));
            md.append("The server reads at most `--history-messages` (100) messages of `--history-bytes` (256 KiB) of any"
                    + " conversation, so neither lane's read grows with its length; the window then trims what was read"
                    + " (README, \"The context window\").\n\n");
            md.append("This machine is shared with other engineers' builds and tests: read the ratio, measured in"
                    + " interleaved rounds, rather than the absolute rates. The long conversation is no slower and often"
                    + " faster; a likely reason (not profiled): its one conversation row and the index pages of its"
                    + " newest messages stay hot, while sends spread over 200 short conversations touch more pages.\n");
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, md.toString());
            System.out.print(md);
        } finally {
            server.destroy();
            server.waitFor(15, TimeUnit.SECONDS);
            standIn.stop(0);
        }
        System.exit(0);
    }

    /** tasks/s and server CPU ms per task of {@code tasks} sends round-robin over {@code conversations}. */
    double[] measure(List<String> conversations, int tasks, int senders, long pid) throws Exception {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < tasks; i++) targets.add(conversations.get(i % conversations.size()));
        long cpu0 = cpuTicks(pid);
        long start = System.nanoTime();
        Set<String> ids = send(targets, senders, "bench " + FILLER);
        long last = awaitAll(ids);
        long cpu1 = cpuTicks(pid);
        double secs = (last - start) / 1e9;
        return new double[] {tasks / secs, (cpu1 - cpu0) * 10.0 / tasks, tasks, secs, cpu1 - cpu0};
    }

    void seed(List<String> targets, int threads) throws Exception {
        awaitAll(send(targets, threads, "seed " + FILLER));
    }

    Set<String> send(List<String> targets, int threads, String text) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                for (int i; (i = next.getAndIncrement()) < targets.size(); ) {
                    Matcher m = TASK.matcher(post("/api/conversations/" + targets.get(i) + "/messages",
                            "{\"content\":\"" + text + " " + i + "\"}"));
                    m.find();
                    ids.add(m.group(1));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        return ids;
    }

    long awaitAll(Set<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!completed.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("tasks did not complete in 10 minutes");
            Thread.sleep(5);
        }
        return ids.stream().mapToLong(completed::get).max().orElse(System.nanoTime());
    }

    /** {messages sent, bytes, prompt tokens, task ms} of one message on the gpt lane. */
    String[] openAiRequest(String conversation, Encoding o200k) throws Exception {
        int before = requests.size();
        long t0 = System.nanoTime();
        Matcher m = TASK.matcher(post("/api/conversations/" + conversation + "/messages",
                "{\"content\":\"And what did the gulls say?\",\"lane\":\"gpt\"}"));
        m.find();
        awaitAll(Set.of(m.group(1)));
        double ms = (System.nanoTime() - t0) / 1e6;
        String body = requests.get(before);
        int messages = 0;
        int tokens = 3;
        for (Matcher mm = MESSAGE.matcher(body); mm.find(); ) {
            messages++;
            String content = mm.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
            tokens += 3 + o200k.countTokensOrdinary(mm.group(1)) + o200k.countTokensOrdinary(content);
        }
        return new String[] {String.valueOf(messages), String.format(Locale.ROOT, "%,d", body.length()),
                String.format(Locale.ROOT, "%,d", tokens), String.format(Locale.ROOT, "%.0f", ms)};
    }

    HttpServer standIn() throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", exchange -> {
            requests.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini\","
                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"They said: mine.\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        s.start();
        return s;
    }

    void socket() throws Exception {
        CountDownLatch ready = new CountDownLatch(1);
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/ws"),
                new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            String f = partial.toString();
                            partial.setLength(0);
                            if (f.contains("\"ready\"")) ready.countDown();
                            if (f.contains("task.completed") || f.contains("task.failed")) {
                                Matcher m = TASK.matcher(f);
                                if (m.find()) completed.putIfAbsent(m.group(1), System.nanoTime());
                            }
                        }
                        w.request(1);
                        return null;
                    }
                }).join();
        ws.sendText("{\"token\":\"stream\"}", true).join();
        if (!ready.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("the socket never said ready");
    }

    String create() throws Exception {
        Matcher m = ID.matcher(post("/api/conversations", "{}"));
        m.find();
        return m.group(1);
    }

    int messageCount(String conversation) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/conversations/" + conversation
                + "?limit=1")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = COUNT.matcher(r.body());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    String post(String path, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    static String listening(Process server) throws Exception {
        BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) {
            Matcher m = Pattern.compile("Lanechat listening on (http://\\S+?)/?$").matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        r.transferTo(java.io.Writer.nullWriter());
                    } catch (Exception stopping) {
                        // the server is stopping
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
            System.out.println("server: " + line);
        }
        throw new IllegalStateException("the server stopped before it listened");
    }

    /** utime + stime of a process, in clock ticks (1/100 s on Linux). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static double rate(List<double[]> runs) {
        return runs.stream().mapToDouble(r -> r[2]).sum() / runs.stream().mapToDouble(r -> r[3]).sum();
    }

    static double cpu(List<double[]> runs) {
        return runs.stream().mapToDouble(r -> r[4]).sum() * 10.0 / runs.stream().mapToDouble(r -> r[2]).sum();
    }

    static double load() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
