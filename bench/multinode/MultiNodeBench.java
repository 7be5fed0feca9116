// Lanechat several-nodes benchmark client (JDK only; run with `java MultiNodeBench.java ...`).
// Args: <tasks> <senders> <node URL>...  e.g. 2000 16 http://127.0.0.1:9101 http://127.0.0.1:9102
// 1. Throughput: <senders> threads POST <tasks> messages round-robin over the nodes; one socket per
//    node counts task.completed frames; tasks/s = tasks / (first send .. last frame on every socket).
//    The same load runs once before, unrecorded, to warm the nodes' JIT up.
// 2. Push latency: 200 messages one at a time; latency = the 202 answer on node i .. the
//    task.completed frame on the socket of node i+1 (another node when there are several).
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class MultiNodeBench {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Pattern TASK = Pattern.compile("\"task_id\":\"([^\"]+)\"");
    static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");

    static final class Sock implements WebSocket.Listener {
        final Map<String, Long> arrived = new ConcurrentHashMap<>();
        final StringBuilder partial = new StringBuilder();
        final CountDownLatch ready = new CountDownLatch(1);
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String f = partial.toString();
                partial.setLength(0);
                if (f.contains("\"ready\"")) ready.countDown();
                if (f.contains("task.completed")) {
                    Matcher m = TASK.matcher(f);
                    if (m.find()) arrived.putIfAbsent(m.group(1), System.nanoTime());
                }
            }
            ws.request(1);
            return null;
        }
    }

    static String post(String base, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        return r.body();
    }

    static String send(String base, String conversation, String text) throws Exception {
        Matcher m = TASK.matcher(post(base, "/api/conversations/" + conversation + "/messages", "{\"content\":\"" + text + "\"}"));
        m.find();
        return m.group(1);
    }

    static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }

    /** Sends {@code tasks} messages from one thread per conversation, round-robin over the nodes; prints the rate. */
    static void throughput(ExecutorService pool, List<Sock> socks, List<String> nodes, List<String> conversations,
            int tasks, String label) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Set<String> ids = ConcurrentHashMap.newKeySet();
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (String mine : conversations) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < tasks) {
                    ids.add(send(nodes.get(i % nodes.size()), mine, "bench " + i));
                }
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        long sent = System.nanoTime();
        while (socks.stream().anyMatch(s -> !s.arrived.keySet().containsAll(ids))) {
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(5)) throw new IllegalStateException("timeout");
            Thread.sleep(5);
        }
        long last = socks.stream()
                .flatMap(s -> ids.stream().map(s.arrived::get))
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        double secs = (last - start) / 1e9;
        System.out.printf("%s: %d tasks on %d node(s), %d senders: %.1f s, %.0f tasks/s (accepting took %.1f s)%n",
                label, tasks, nodes.size(), conversations.size(), secs, tasks / secs, (sent - start) / 1e9);
    }

    public static void main(String[] args) throws Exception {
        int tasks = Integer.parseInt(args[0]);
        int senders = Integer.parseInt(args[1]);
        List<String> nodes = Arrays.asList(args).subList(2, args.length);
        List<Sock> socks = new ArrayList<>();
        for (String node : nodes) {
            Sock s = new Sock();
            WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(node.replace("http", "ws") + "/ws"), s).join();
            ws.sendText("{\"token\":\"stream\"}", true).join();
            s.ready.await(10, TimeUnit.SECONDS);
            socks.add(s);
        }
        // One conversation per sender (a conversation's row is written by each of its sends and answers).
        List<String> conversations = new ArrayList<>();
        for (int t = 0; t < senders; t++) {
            Matcher cm = ID.matcher(post(nodes.get(t % nodes.size()), "/api/conversations", "{}"));
            cm.find();
            conversations.add(cm.group(1));
        }
        String conversation = conversations.get(0);

        // 1. Throughput: the same load once unrecorded first, so that the nodes' JIT has compiled the
        // hot path (a cold JVM spends about half its CPU compiling: bench/RESULTS.md, scenario 4).
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        throughput(pool, socks, nodes, conversations, tasks, "warm-up (not a figure)");
        throughput(pool, socks, nodes, conversations, tasks, "throughput");
        pool.shutdown();

        // 2. Push latency, one message at a time.
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String node = nodes.get(i % nodes.size());
            Sock other = socks.get((i + 1) % nodes.size());
            String id = send(node, conversation, "latency " + i);
            long accepted = System.nanoTime();
            while (!other.arrived.containsKey(id)) Thread.onSpinWait();
            ms.add((other.arrived.get(id) - accepted) / 1e6);
            Thread.sleep(10);
        }
        Collections.sort(ms);
        System.out.printf("push latency (202 on node i -> frame on node i+1), 200 tasks: p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                pct(ms, 50), pct(ms, 95), pct(ms, 99), ms.get(ms.size() - 1));
        System.exit(0);
    }
}
