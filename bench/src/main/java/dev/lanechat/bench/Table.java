package dev.lanechat.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One scenario's figures: a row per target (and step), rendered as a Markdown table. */
final class Table {
    final String title;
    final List<Map<String, Object>> rows = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    /** Markdown printed after the notes (a second, smaller table). */
    final List<String> blocks = new ArrayList<>();

    Table(String title) {
        this.title = title;
    }

    Map<String, Object> row(String target) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", target);
        rows.add(row);
        return row;
    }

    Object get(String target, String column) {
        return rows.stream()
                .filter(r -> target.equals(r.get("target")))
                .map(r -> r.get(column))
                .findFirst()
                .orElse(null);
    }

    String markdown() {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        StringBuilder md = new StringBuilder();
        md.append('|');
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|");
        columns.forEach(c -> md.append("---|"));
        md.append('\n');
        for (Map<String, Object> r : rows) {
            md.append('|');
            for (String c : columns) {
                md.append(' ').append(format(r.get(c))).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    static String format(Object v) {
        if (v == null) {
            return "–";
        }
        if (v instanceof Double d) {
            if (d.isNaN()) {
                return "–";
            }
            double a = Math.abs(d);
            return a >= 1000
                    ? String.format(Locale.ROOT, "%,.0f", d)
                    : a >= 100
                            ? String.format(Locale.ROOT, "%.0f", d)
                            : a >= 10 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.2f", d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format(Locale.ROOT, "%,d", ((Number) v).longValue());
        }
        return v.toString().replace("|", "\\|");
    }
}
