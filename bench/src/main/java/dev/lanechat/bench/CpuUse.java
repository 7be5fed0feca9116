package dev.lanechat.bench;

import java.util.Map;

/** The CPU columns every scenario's rows carry: the generator's, the server's, the rest of the machine's. */
final class CpuUse {
    private CpuUse() {}

    /** What the "limited by" column says of a row whose figures are the generator's limit. */
    static final String GENERATOR_LIMITED = "generator-limited";

    static double cores(long cpuNanos, long wallNanos) {
        return wallNanos <= 0 ? Double.NaN : (double) cpuNanos / wallNanos;
    }

    /**
     * The CPU of a row's run, and what bounded it. With the machine's CPU full, the generator is the
     * limit when it used at least as much as the server and a quarter of the machine or more: a
     * cheaper generator would have left that CPU to the server (so the row's rate is a floor, and a
     * ratio against it is no figure). A generator of 0.07 cores beside a server of 0.02 on a machine
     * that others fill is no limit: then the other processes are. They are named when they took half
     * a core or more.
     */
    static void cpu(Map<String, Object> row, long genCpu, long serverCpu, long machineBusy, long wall) {
        double gen = cores(genCpu, wall);
        double srv = cores(serverCpu, wall);
        double other = Math.max(0, cores(machineBusy - genCpu - serverCpu, wall));
        row.put("server CPU (cores)", srv);
        row.put("generator CPU (cores)", gen);
        row.put("other processes' CPU (cores)", other);
        int n = Runtime.getRuntime().availableProcessors();
        String limit;
        if (gen + srv + other < 0.85 * n) {
            limit = "not CPU";
        } else if (gen >= srv && gen >= 0.25 * n) {
            limit = "CPU full: generator ≥ server (" + GENERATOR_LIMITED + ")"
                    + (other >= 0.5 ? ", shared with other processes" : "");
        } else if (other > srv && other > gen) {
            limit = "CPU full: other processes busiest";
        } else {
            limit = "CPU full: server busiest" + (other >= 0.5 ? ", shared with other processes" : "");
        }
        row.put("limited by", limit);
    }

    /** CPU time the whole machine spent busy (all processes), ns, from /proc/stat. */
    static long machineBusy() {
        try {
            String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))
                    .get(0)
                    .trim()
                    .split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L;
        } catch (Exception e) {
            return 0;
        }
    }

    /** This process's CPU time so far, ns (all threads). */
    static long ownNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
