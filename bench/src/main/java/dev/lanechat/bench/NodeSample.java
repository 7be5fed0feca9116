package dev.lanechat.bench;

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
        return HeapHistogram.of(pid).bytes();
    }

    /** Cores used between {@code earlier} and this sample. */
    double coresSince(NodeSample earlier, long wallNanos) {
        return CpuUse.cores(cpuNanos - earlier.cpuNanos, wallNanos);
    }
}
