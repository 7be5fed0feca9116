package dev.lanechat.bench;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's live objects by class ({@code jcmd PID GC.class_histogram}, which runs a full GC first),
 * and what N sockets added between two of them, per socket: the capacity scenario's table of
 * where a Lanechat socket's heap goes (issue 16). A Node peer has no such histogram.
 */
record HeapHistogram(Map<String, long[]> byClass) {
    private static final Pattern LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+).*$");

    static HeapHistogram of(long pid) throws Exception {
        String text = Proc.run(List.of("jcmd", Long.toString(pid), "GC.class_histogram"), Duration.ofSeconds(120));
        Map<String, long[]> byClass = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                byClass.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))}, (a, b) ->
                        new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return new HeapHistogram(byClass);
    }

    /** The bytes of all objects alive after the histogram's full GC (its "Total" line). */
    long bytes() {
        return byClass.values().stream().mapToLong(c -> c[1]).sum();
    }

    /** The {@code top} classes by bytes added per socket since {@code before}, as a markdown table. */
    String perSocketTable(HeapHistogram before, long sockets, int top) {
        record Row(String name, double bytes, double objects) {}
        List<Row> rows = byClass.entrySet().stream()
                .map(e -> {
                    long[] was = before.byClass.getOrDefault(e.getKey(), new long[2]);
                    return new Row(
                            e.getKey(),
                            (e.getValue()[1] - was[1]) / (double) sockets,
                            (e.getValue()[0] - was[0]) / (double) sockets);
                })
                .sorted(Comparator.comparingDouble(Row::bytes).reversed())
                .toList();
        double total = rows.stream().mapToDouble(Row::bytes).sum();
        StringBuilder md = new StringBuilder("| class | B / socket | objects / socket |\n|---|---:|---:|\n");
        for (Row r : rows.subList(0, Math.min(top, rows.size()))) {
            md.append(String.format(Locale.ROOT, "| `%s` | %.0f | %.2f |%n", r.name(), r.bytes(), r.objects()));
        }
        md.append(String.format(Locale.ROOT, "| all classes | %.0f | |%n", total));
        return md.toString();
    }
}
