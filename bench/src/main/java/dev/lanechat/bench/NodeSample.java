package dev.lanechat.bench;

import java.time.Duration;
import java.util.List;

/**
 * What one node of the 100,000-socket run ({@link HundredK}) holds at a mark: its CPU time so far,
 * live heap (a full GC's class histogram, so garbage is not counted), resident set and open
 * sockets (its own {@code lanechat_sockets_open} gauge), and its whole /metrics page (for the
 * histograms' change between two marks).
 */
record NodeSample(long cpuNanos, long liveHeapBytes, long rssBytes, long socketsOpen, String metrics) {

    static NodeSample of(long pid, String baseUrl, Http http) throws Exception {
        long cpu = Proc.cpuOf(pid);
        long heap = liveHeap(pid);
        long rss = Proc.rssOf(pid);
        String metrics = http.get(baseUrl + "/metrics", null).get().body();
        return new NodeSample(cpu, heap, rss, gauge(metrics, "lanechat_sockets_open"), metrics);
    }

    /** A label-less gauge of a Prometheus text page, or -1 when absent. */
    static long gauge(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /** The "Total" of {@code jcmd GC.class_histogram}: the bytes of all objects alive after its full GC. */
    static long liveHeap(long pid) throws Exception {
        String histogram = Proc.run(List.of("jcmd", Long.toString(pid), "GC.class_histogram"), Duration.ofMinutes(2));
        for (String line : histogram.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("Total")) {
                String[] f = t.split("\\s+");
                return Long.parseLong(f[f.length - 1]);
            }
        }
        throw new IllegalStateException("no Total line in the class histogram of " + pid);
    }

    /** Cores used between {@code earlier} and this sample. */
    double coresSince(NodeSample earlier, long wallNanos) {
        return CpuUse.cores(cpuNanos - earlier.cpuNanos, wallNanos);
    }
}
