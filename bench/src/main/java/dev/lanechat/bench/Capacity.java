package dev.lanechat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/** Scenario 3: generator processes open idle sockets until refused; memory per socket. */
final class Capacity {
    /** From a full GC to reading RSS, for every target alike (see where it is used). */
    private static final long RSS_SETTLE_MS = 2_000;

    private Capacity() {}

    static void run(
            Target t,
            int perProcess,
            int processes,
            int seconds,
            long settleMs,
            Table table,
            Path work,
            Consumer<String> log)
            throws Exception {
        long heap0 = t.heapAfterGc();
        Thread.sleep(RSS_SETTLE_MS);
        long rss0 = t.rss();
        HeapHistogram histogram0 = t.histogram();
        List<Proc> gens = new ArrayList<>();
        Map<Integer, String> status = new ConcurrentHashMap<>();
        String cp = System.getProperty("java.class.path");
        long w0 = System.nanoTime();
        try {
            for (int i = 0; i < processes; i++) {
                int index = i;
                String bind = "127.0.0." + (10 + i);
                Proc p = Proc.start(
                        List.of(
                                "java",
                                "-Xss256k",
                                "-Xmx1g",
                                "-XX:+UseSerialGC",
                                "-cp",
                                cp,
                                Hold.class.getName(),
                                t.wsUri().toString(),
                                t.proto().name(),
                                Integer.toString(perProcess),
                                bind,
                                Integer.toString(seconds)),
                        null,
                        work.resolve(t.name + "-hold-" + i + ".log"),
                        Pattern.compile("^(RAMPED.*)"));
                p.onLine(line -> status.put(index, line));
                gens.add(p);
            }
            long sum = 0, failed = 0, rampMs = 0;
            List<String> errors = new ArrayList<>();
            for (Proc p : gens) {
                String line = p.awaitReady(Duration.ofSeconds(seconds + 60));
                Map<String, String> f = fields(line);
                sum += Long.parseLong(f.get("live"));
                failed += Long.parseLong(f.get("failed"));
                rampMs = Math.max(rampMs, Long.parseLong(f.get("ms")));
                if (f.containsKey("err")) {
                    errors.add(f.get("err"));
                }
            }
            long rssPeak = t.rss();
            for (Proc p : gens) { // free a few descriptors, so that the server can answer the memory read
                p.process.getOutputStream().write("shed 50\n".getBytes());
                p.process.getOutputStream().flush();
            }
            Thread.sleep(Math.max(1500, settleMs));
            long still = 0;
            for (int i = 0; i < gens.size(); i++) {
                Map<String, String> f = fields(status.getOrDefault(i, "live=0"));
                still += Long.parseLong(f.getOrDefault("live", "0"));
            }
            long heap = t.heapAfterGc();
            // G1 gives committed memory back in a background task after the collection, not in it:
            // RSS read at once still counted the heap it was about to release.
            Thread.sleep(RSS_SETTLE_MS);
            long rss = t.rss();
            HeapHistogram histogram = histogram0 == null || still == 0 ? null : t.histogram();
            if (histogram != null) {
                table.blocks.add(
                        "**" + t.name + "**: where a socket's heap goes (`jcmd PID GC.class_histogram` with the "
                                + String.format(java.util.Locale.ROOT, "%,d", still)
                                + " sockets held, minus the one before them, ÷ the sockets; the top classes):\n\n"
                                + histogram.perSocketTable(histogram0, still, 15));
            }
            Map<String, Object> row = table.row(t.name);
            row.put("attempted", (long) perProcess * processes);
            row.put("subscribed at once", sum);
            row.put("held while measuring (50 per generator closed first)", still);
            row.put("failed", failed);
            row.put("connect rate (sockets/s)", sum / Math.max(0.001, rampMs / 1000.0));
            row.put("heap after GC (MB)", heap / 1e6);
            row.put("RSS at the peak (MB)", rssPeak / 1e6);
            row.put("heap / socket (KB)", still == 0 ? Double.NaN : (heap - heap0) / 1e3 / still);
            row.put("RSS / socket (KB)", still == 0 ? Double.NaN : (rss - rss0) / 1e3 / still);
            String first = errors.isEmpty() ? "none" : errors.get(0);
            row.put("first error", first.length() > 80 ? first.substring(0, 80) + "…" : first);
            log.accept(t.name + " capacity " + sum + " failed " + failed + " " + errors);
        } finally {
            gens.forEach(p -> p.stop(Duration.ofSeconds(5)));
        }
    }

    static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String word : line.split(" ")) {
            int eq = word.indexOf('=');
            if (eq > 0) {
                f.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        if (line.contains(" err=")) {
            f.put("err", line.substring(line.indexOf(" err=") + 5));
        }
        return f;
    }
}
