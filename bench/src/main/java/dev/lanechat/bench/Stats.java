package dev.lanechat.bench;

import java.util.Arrays;

/** Percentiles of latency samples (µs in, ms out). */
final class Stats {
    final long[] sorted;

    Stats(long[] micros, int n) {
        sorted = Arrays.copyOf(micros, n);
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    /** The q-quantile in ms (nearest rank), NaN without samples. */
    double ms(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1000.0;
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1000.0;
    }

    double meanMs() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(0) / 1000.0;
    }
}
