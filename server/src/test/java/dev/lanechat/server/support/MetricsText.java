package dev.lanechat.server.support;

/** Reads a sample from the Prometheus text that {@code GET /metrics} answers. */
public final class MetricsText {
    private MetricsText() {}

    /** The value of the first sample named {@code name} (with or without labels); fails when absent. */
    public static double value(String text, String name) {
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(
                        line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in /metrics");
    }
}
