package dev.lanechat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The completions the generators of the 100,000-socket run ({@link HundredK}) received, from
 * their REPORT lines and completion files: each receipt's generator (= the node its socket is on),
 * task and time, and the sums the lines give (gaps, duplicates, closed sockets).
 */
final class Deliveries {
    private record Receipt(int node, String task, long micros) {}

    /** Completion stamp → receipt, apart for sockets on the node that took the message and the others. */
    record Latencies(Stats sameNode, Stats crossNode) {}

    private final List<Receipt> receipts = new ArrayList<>();
    private long gaps;
    private long duplicates;
    private long closed;

    /** Adds generator {@code node}'s REPORT line and the completions it wrote to {@code file}. */
    void add(int node, String reportLine, Path file) throws IOException {
        gaps += HundredK.field(reportLine, "gaps");
        duplicates += HundredK.field(reportLine, "duplicates");
        closed += HundredK.field(reportLine, "closed");
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                receipts.add(new Receipt(node, f[1], Long.parseLong(f[2])));
            }
        }
    }

    int received() {
        return receipts.size();
    }

    long gaps() {
        return gaps;
    }

    long duplicates() {
        return duplicates;
    }

    long closed() {
        return closed;
    }

    Latencies latencies(Map<String, Integer> nodeOfTask, Map<String, Long> completedAt) {
        long[] same = new long[receipts.size()];
        long[] cross = new long[receipts.size()];
        int s = 0, c = 0;
        for (Receipt r : receipts) {
            Integer node = nodeOfTask.get(r.task());
            Long done = completedAt.get(r.task());
            if (node == null || done == null) {
                continue;
            }
            long micros = Math.max(0, r.micros() - done);
            if (node == r.node()) {
                same[s++] = micros;
            } else {
                cross[c++] = micros;
            }
        }
        return new Latencies(new Stats(same, s), new Stats(cross, c));
    }
}
