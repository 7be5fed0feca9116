package dev.lanechat.bench;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The "Lanechat ÷ this" columns that compare each peer's row with Lanechat's. */
final class Ratios {
    private Ratios() {}

    private static boolean generatorLimited(Map<String, Object> row) {
        return String.valueOf(row.get("limited by")).contains(CpuUse.GENERATOR_LIMITED);
    }

    /**
     * Adds "Lanechat ÷ this" for {@code column} to each peer row, against the lanechat-sqlite row
     * with the same {@code keys} columns (and the same " · …" suffix, else {@code lanechatSuffix}).
     */
    static void add(Table table, String column, List<String> keys, String lanechatSuffix) {
        for (Map<String, Object> row : table.rows) {
            String target = (String) row.get("target");
            if (target.startsWith("lanechat")) {
                continue;
            }
            String suffix = target.contains(" · ") ? target.substring(target.indexOf(" · ")) : lanechatSuffix;
            table.rows.stream()
                    .filter(r -> ("lanechat-sqlite" + suffix).equals(r.get("target"))
                            && keys.stream().allMatch(k -> Objects.equals(r.get(k), row.get(k))))
                    .findFirst()
                    .ifPresent(lc -> {
                        double a = ((Number) lc.get(column)).doubleValue(),
                                b = ((Number) row.get(column)).doubleValue();
                        double r = b == 0 ? Double.NaN : a / b;
                        // a ratio against a generator-limited row is a bound, not a figure: say so
                        boolean bound = generatorLimited(lc) || generatorLimited(row);
                        row.put(
                                "Lanechat ÷ this (" + column + ")",
                                bound ? Table.format(r) + " (" + CpuUse.GENERATOR_LIMITED + ")" : r);
                    });
        }
    }
}
