package dev.lanechat.server.config;

import dev.lanechat.server.config.YamlTree.Node;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The fields of one YAML mapping at {@code path} (e.g. {@code lanes[1]}), read as typed values;
 * each mistake names its line, the field's path and the value found. A missing or null field is
 * null (or the stated default).
 */
final class Fields {
    private final Map<String, Node> fields;
    private final String path;
    private final int line;
    private final BiFunction<Integer, String, ConfigException> fail;

    private Fields(Map<String, Node> fields, String path, int line, BiFunction<Integer, String, ConfigException> fail) {
        this.fields = fields;
        this.path = path;
        this.line = line;
        this.fail = fail;
    }

    /** The mapping {@code node}; anything else is a mistake. */
    static Fields of(Node node, String path, BiFunction<Integer, String, ConfigException> fail) {
        if (node.value() instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Node> fields = (Map<String, Node>) map;
            return new Fields(fields, path, node.line(), fail);
        }
        throw fail.apply(node.line(), path + " must be a mapping of fields (key: value)");
    }

    Set<String> keys() {
        return fields.keySet();
    }

    Node node(String key) {
        return fields.get(key);
    }

    /** The line of {@code key}, or of the mapping when it is absent. */
    int lineOf(String key) {
        Node node = fields.get(key);
        return node != null
                ? node.line()
                : fields.values().stream().mapToInt(Node::line).min().orElse(line);
    }

    /** The path of the field {@code key}, e.g. {@code lanes[1].price_per_million}. */
    String pathOf(String key) {
        return path + "." + key;
    }

    ConfigException fail(String key, String message) {
        return fail.apply(lineOf(key), path + "." + key + " " + message);
    }

    String string(String key, boolean required) {
        Node node = fields.get(key);
        if (node == null || node.value() == null) {
            if (required) {
                throw fail(key, "is required");
            }
            return null;
        }
        if (!(node.value() instanceof String s) || s.isBlank()) {
            throw fail(key, "must be a non-empty string");
        }
        return s.trim();
    }

    Integer integer(String key, int min, int max) {
        Node node = fields.get(key);
        if (node == null || node.value() == null) {
            return null;
        }
        if (!(node.value() instanceof Long n) || n < min || n > max) {
            throw fail(key, "must be a whole number from " + min + " to " + max + ", not " + shown(node.value()));
        }
        return n.intValue();
    }

    boolean bool(String key) {
        Node node = fields.get(key);
        if (node == null || node.value() == null) {
            return false;
        }
        if (!(node.value() instanceof Boolean b)) {
            throw fail(key, "must be true or false, not " + shown(node.value()));
        }
        return b;
    }

    /** A number of zero or more; {@code what} says what it counts (for the message). */
    double nonNegative(String key, String what) {
        Node node = fields.get(key);
        if (node == null || node.value() == null) {
            return 0;
        }
        double value;
        if (node.value() instanceof Long n) {
            value = n;
        } else if (node.value() instanceof Double d) {
            value = d;
        } else {
            throw fail(key, "must be a number (" + what + "), not " + shown(node.value()));
        }
        if (!Double.isFinite(value) || value < 0) {
            throw fail(key, "must be zero or more, not " + value);
        }
        return value;
    }

    static String shown(Object value) {
        if (value instanceof String s) {
            return "'" + abbreviate(s) + "'";
        }
        if (value instanceof Map<?, ?>) {
            return "a mapping";
        }
        if (value instanceof List<?>) {
            return "a list";
        }
        return String.valueOf(value);
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
