package dev.lanechat.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the lanes file ({@code --lanes lanes.yaml}). The YAML is walked token by token, so that
 * every value knows its line and a mistake stops the server with a message such as
 * {@code lanes.yaml line 7: lanes[1].processor must be demo, openai or worker, not 'gpt'}.
 *
 * <pre>
 * lanes:
 *   - name: gpt
 *     processor: openai          # demo | openai | worker
 *     base_url: https://api.openai.com/v1
 *     api_key_env: OPENAI_API_KEY
 *     model: gpt-4o-mini
 *     price_per_million: { input: 0.15, output: 0.60 }
 *     default: true
 * </pre>
 */
public final class LanesFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> PROCESSORS = Set.of(LaneSpec.DEMO, LaneSpec.OPENAI, LaneSpec.WORKER);
    private static final List<String> COMMON = List.of("name", "processor", "concurrency", "default", "model",
            "description", "attempts");
    private static final Map<String, List<String>> ONLY_FOR = Map.of(
            LaneSpec.DEMO, List.of("delay_ms"),
            LaneSpec.OPENAI, List.of("base_url", "api_key_env", "price_per_million", "timeout_s", "system_prompt"),
            LaneSpec.WORKER, List.of());

    /** A parsed YAML value with the line it starts on: a String, Long, Double, Boolean, Map, List or null. */
    private record Node(Object value, int line) {}

    private final String fileName;
    private final Map<String, String> env;

    private LanesFile(String fileName, Map<String, String> env) {
        this.fileName = fileName;
        this.env = env;
    }

    /**
     * Reads and checks {@code file}; {@code env} is where {@code api_key_env} variables are looked up.
     *
     * @throws ConfigException naming the file, the line and the field that is wrong
     */
    public static List<LaneSpec> load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("--lanes " + file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException("--lanes " + file + ": cannot be read: " + e.getMessage());
        }
        return parse(file.getFileName().toString(), text, env);
    }

    /** Parses the text of a lanes file called {@code fileName} (for messages). */
    public static List<LaneSpec> parse(String fileName, String text, Map<String, String> env) {
        return new LanesFile(fileName, env).read(text);
    }

    private List<LaneSpec> read(String text) {
        Node root;
        try (Reader reader = new StringReader(text);
                JsonParser parser = new YAMLFactory().createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw fail(1, "the file is empty; it needs a 'lanes:' list");
            }
            root = value(parser);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw fail(at == null ? 1 : at.getLineNr(), "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(fileName + ": cannot be read: " + e.getMessage());
        }
        Map<String, Node> top = mapping(root, "the file");
        for (Map.Entry<String, Node> e : top.entrySet()) {
            if (!e.getKey().equals("lanes")) {
                throw fail(e.getValue().line(), "'" + e.getKey() + "' is not a known field; the file has one field, 'lanes'");
            }
        }
        Node lanesNode = top.get("lanes");
        if (lanesNode == null) {
            throw fail(root.line(), "'lanes' is missing; the file needs a 'lanes:' list");
        }
        if (!(lanesNode.value() instanceof List<?> items) || items.isEmpty()) {
            throw fail(lanesNode.line(), "lanes must be a list with at least one lane");
        }
        List<LaneSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            LaneSpec spec = lane((Node) items.get(i), "lanes[" + i + "]");
            if (!names.add(spec.name())) {
                throw fail(spec.line(), "lanes[" + i + "].name '" + spec.name() + "' is used by another lane already");
            }
            specs.add(spec);
        }
        List<LaneSpec> defaults = specs.stream().filter(LaneSpec::isDefault).toList();
        if (defaults.size() > 1) {
            throw fail(defaults.get(1).line(), "lanes '" + defaults.get(0).name() + "' and '" + defaults.get(1).name()
                    + "' both say default: true; exactly one lane is the default");
        }
        if (defaults.isEmpty()) {
            if (specs.size() > 1) {
                throw fail(lanesNode.line(), "no lane says default: true; mark exactly one lane as the default");
            }
            LaneSpec only = specs.get(0);
            specs.set(0, new LaneSpec(only.name(), only.processor(), only.concurrency(), true, only.model(),
                    only.description(), only.baseUrl(), only.apiKeyEnv(), only.apiKey(), only.priceInputPerMillion(),
                    only.priceOutputPerMillion(), only.timeout(), only.attempts(), only.delay(), only.systemPrompt(),
                    only.line()));
        }
        return List.copyOf(specs);
    }

    private LaneSpec lane(Node node, String path) {
        Map<String, Node> f = mapping(node, path);
        String name = string(f, path, "name", true);
        if (!NAME.matcher(name).matches()) {
            throw fail(f.get("name").line(), path + ".name must be 1-64 letters, digits or . _ -, starting with a"
                    + " letter or digit, not '" + name + "'");
        }
        String processor = string(f, path, "processor", true);
        if (!PROCESSORS.contains(processor)) {
            throw fail(f.get("processor").line(), path + ".processor must be demo, openai or worker, not '" + processor + "'");
        }
        for (Map.Entry<String, Node> e : f.entrySet()) {
            String key = e.getKey();
            if (COMMON.contains(key) || ONLY_FOR.get(processor).contains(key)) {
                continue;
            }
            String owner = ONLY_FOR.entrySet().stream().filter(o -> o.getValue().contains(key)).map(Map.Entry::getKey)
                    .findFirst().orElse(null);
            throw fail(e.getValue().line(), owner != null
                    ? path + "." + key + " is only for processor: " + owner + " (this lane is " + processor + ")"
                    : path + "." + key + " is not a known field; known: " + known(processor));
        }
        Integer concurrency = integer(f, path, "concurrency", 1, 1000);
        boolean isDefault = bool(f, path, "default");
        String model = string(f, path, "model", processor.equals(LaneSpec.OPENAI));
        String description = string(f, path, "description", false);
        Integer attempts = integer(f, path, "attempts", 1, 100);
        String baseUrl = null;
        String apiKeyEnv = null;
        String apiKey = null;
        double input = 0;
        double output = 0;
        Duration timeout = null;
        String systemPrompt = null;
        if (processor.equals(LaneSpec.OPENAI)) {
            baseUrl = string(f, path, "base_url", true);
            checkUrl(f.get("base_url"), path + ".base_url", baseUrl);
            apiKeyEnv = string(f, path, "api_key_env", false);
            if (apiKeyEnv != null) {
                if (!ENV_NAME.matcher(apiKeyEnv).matches()) {
                    throw fail(f.get("api_key_env").line(), path + ".api_key_env is the NAME of an environment variable"
                            + " (like OPENAI_API_KEY), not '" + abbreviate(apiKeyEnv) + "'; never put the key itself in the file");
                }
                String value = env.get(apiKeyEnv);
                apiKey = value == null || value.isBlank() ? null : value.trim();
            }
            Node prices = f.get("price_per_million");
            if (prices != null) {
                Map<String, Node> p = mapping(prices, path + ".price_per_million");
                for (Map.Entry<String, Node> e : p.entrySet()) {
                    if (!e.getKey().equals("input") && !e.getKey().equals("output")) {
                        throw fail(e.getValue().line(), path + ".price_per_million." + e.getKey()
                                + " is not a known field; known: input, output");
                    }
                }
                input = price(p, path + ".price_per_million", "input");
                output = price(p, path + ".price_per_million", "output");
            }
            Integer seconds = integer(f, path, "timeout_s", 1, 3600);
            timeout = seconds == null ? null : Duration.ofSeconds(seconds);
            systemPrompt = string(f, path, "system_prompt", false);
        }
        Duration delay = null;
        if (processor.equals(LaneSpec.DEMO)) {
            Integer ms = integer(f, path, "delay_ms", 0, 600_000);
            delay = ms == null ? null : Duration.ofMillis(ms);
        }
        return new LaneSpec(name, processor, concurrency, isDefault, model, description, baseUrl, apiKeyEnv, apiKey,
                input, output, timeout, attempts, delay, systemPrompt, node.line());
    }

    private static String known(String processor) {
        List<String> all = new ArrayList<>(COMMON);
        all.addAll(ONLY_FOR.get(processor));
        return String.join(", ", all);
    }

    private void checkUrl(Node node, String path, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw fail(node.line(), path + " must be an http:// or https:// URL such as https://api.openai.com/v1, not '" + url + "'");
    }

    private Map<String, Node> mapping(Node node, String path) {
        if (node.value() instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Node> fields = (Map<String, Node>) map;
            return fields;
        }
        throw fail(node.line(), path + " must be a mapping of fields (key: value)");
    }

    private String string(Map<String, Node> f, String path, String key, boolean required) {
        Node node = f.get(key);
        if (node == null || node.value() == null) {
            if (required) {
                throw fail(node == null ? lineOf(f) : node.line(), path + "." + key + " is required");
            }
            return null;
        }
        if (!(node.value() instanceof String s) || s.isBlank()) {
            throw fail(node.line(), path + "." + key + " must be a non-empty string");
        }
        return s.trim();
    }

    private Integer integer(Map<String, Node> f, String path, String key, int min, int max) {
        Node node = f.get(key);
        if (node == null || node.value() == null) {
            return null;
        }
        if (!(node.value() instanceof Long n) || n < min || n > max) {
            throw fail(node.line(), path + "." + key + " must be a whole number from " + min + " to " + max
                    + ", not " + shown(node.value()));
        }
        return n.intValue();
    }

    private boolean bool(Map<String, Node> f, String path, String key) {
        Node node = f.get(key);
        if (node == null || node.value() == null) {
            return false;
        }
        if (!(node.value() instanceof Boolean b)) {
            throw fail(node.line(), path + "." + key + " must be true or false, not " + shown(node.value()));
        }
        return b;
    }

    private double price(Map<String, Node> f, String path, String key) {
        Node node = f.get(key);
        if (node == null || node.value() == null) {
            return 0;
        }
        double value;
        if (node.value() instanceof Long n) {
            value = n;
        } else if (node.value() instanceof Double d) {
            value = d;
        } else {
            throw fail(node.line(), path + "." + key + " must be a number (US dollars per million tokens), not "
                    + shown(node.value()));
        }
        if (!Double.isFinite(value) || value < 0) {
            throw fail(node.line(), path + "." + key + " must be zero or more, not " + value);
        }
        return value;
    }

    private static int lineOf(Map<String, Node> f) {
        return f.values().stream().mapToInt(Node::line).min().orElse(1);
    }

    private static String shown(Object value) {
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

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private ConfigException fail(int line, String message) {
        return new ConfigException(fileName + " line " + line + ": " + message);
    }

    /** The value at the parser's current token (its start), with its line. */
    private Node value(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (fields.containsKey(key)) {
                        throw fail(keyLine, "'" + key + "' appears twice in one mapping");
                    }
                    p.nextToken();
                    Node v = value(p);
                    // A field's line is its key's: that is the line a person looks for.
                    fields.put(key, new Node(v.value(), keyLine));
                }
                return new Node(fields, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p));
                }
                return new Node(items, line);
            }
            case VALUE_STRING -> {
                return new Node(p.getText(), line);
            }
            case VALUE_NUMBER_INT -> {
                try {
                    return new Node(p.getLongValue(), line);
                } catch (IOException tooBig) {
                    return new Node(p.getText(), line);
                }
            }
            case VALUE_NUMBER_FLOAT -> {
                return new Node(p.getDoubleValue(), line);
            }
            case VALUE_TRUE -> {
                return new Node(Boolean.TRUE, line);
            }
            case VALUE_FALSE -> {
                return new Node(Boolean.FALSE, line);
            }
            case VALUE_NULL -> {
                return new Node(null, line);
            }
            default -> throw fail(line, "unexpected YAML (" + token + ")");
        }
    }
}
