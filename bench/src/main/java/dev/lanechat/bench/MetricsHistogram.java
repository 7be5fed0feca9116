package dev.lanechat.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Quantiles of Lanechat's /metrics histograms between two scrapes. */
final class MetricsHistogram {
    private MetricsHistogram() {}

    /** A quantile of a Prometheus histogram over the samples added between two scrapes. */
    static double quantile(String before, String after, String metric, double q) {
        Map<Double, Double> b = buckets(before, metric), a = buckets(after, metric);
        List<Double> les = new ArrayList<>(a.keySet());
        java.util.Collections.sort(les);
        double total = a.getOrDefault(Double.POSITIVE_INFINITY, 0.0) - b.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        if (total <= 0) {
            return Double.NaN;
        }
        for (double le : les) {
            double c = a.get(le) - b.getOrDefault(le, 0.0);
            if (c >= q * total) {
                return le;
            }
        }
        return Double.NaN;
    }

    private static Map<Double, Double> buckets(String text, String metric) {
        Map<Double, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "_bucket{")) {
                int at = line.indexOf("le=\"") + 4;
                String le = line.substring(at, line.indexOf('"', at));
                double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                out.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), v, Double::sum);
            }
        }
        return out;
    }
}
