package dev.lanechat.server.config;

import dev.lanechat.server.config.YamlTree.Node;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads the lanes file ({@code --lanes lanes.yaml}) into {@link LaneSpec}s. The YAML is walked token
 * by token ({@link YamlTree}), so that every value knows its line and a mistake stops the server
 * with a message such as
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
 *     max_context_tokens: 32000  # openai and worker lanes; default: the model's known size, else 8192
 *     vision: true               # openai lanes: the model takes images (attachments, E14); default false
 *     default: true
 * </pre>
 */
public final class LanesFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final List<String> COMMON =
            List.of("name", "processor", "concurrency", "default", "model", "description", "attempts");
    /** The largest context window the file accepts (models with a few million tokens exist). */
    static final int MAX_CONTEXT_TOKENS = 100_000_000;

    /** The file's {@code processor:} values, with the fields only their lanes have. */
    private enum Kind {
        DEMO("demo", "delay_ms"),
        OPENAI(
                "openai",
                "base_url",
                "api_key_env",
                "price_per_million",
                "timeout_s",
                "system_prompt",
                "max_context_tokens",
                "vision"),
        WORKER("worker", "max_context_tokens");

        final String yamlName;

        @SuppressWarnings("ImmutableEnumChecker") // List.of: immutable, though its type does not say so
        final List<String> ownFields;

        Kind(String yamlName, String... ownFields) {
            this.yamlName = yamlName;
            this.ownFields = List.of(ownFields);
        }
    }

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
        Node root = YamlTree.parse(text, this::fail);
        if (root == null) {
            throw fail(1, "the file is empty; it needs a 'lanes:' list");
        }
        Fields top = Fields.of(root, "the file", this::fail);
        for (String key : top.keys()) {
            if (!key.equals("lanes")) {
                throw fail(top.lineOf(key), "'" + key + "' is not a known field; the file has one field, 'lanes'");
            }
        }
        Node lanesNode = top.node("lanes");
        if (lanesNode == null) {
            throw fail(root.line(), "'lanes' is missing; the file needs a 'lanes:' list");
        }
        if (!(lanesNode.value() instanceof List<?> items) || items.isEmpty()) {
            throw fail(lanesNode.line(), "lanes must be a list with at least one lane");
        }
        List<LaneSpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            // A lone lane is the default whether it says so or not.
            LaneSpec spec = lane((Node) items.get(i), "lanes[" + i + "]", items.size() == 1);
            if (!names.add(spec.name())) {
                throw fail(spec.line(), "lanes[" + i + "].name '" + spec.name() + "' is used by another lane already");
            }
            specs.add(spec);
        }
        List<LaneSpec> defaults = specs.stream().filter(LaneSpec::isDefault).toList();
        if (defaults.size() > 1) {
            throw fail(
                    defaults.get(1).line(),
                    "lanes '" + defaults.get(0).name() + "' and '"
                            + defaults.get(1).name() + "' both say default: true; exactly one lane is the default");
        }
        if (defaults.isEmpty()) {
            throw fail(lanesNode.line(), "no lane says default: true; mark exactly one lane as the default");
        }
        return List.copyOf(specs);
    }

    private LaneSpec lane(Node node, String path, boolean alone) {
        Fields f = Fields.of(node, path, this::fail);
        String name = f.string("name", true);
        if (!NAME.matcher(name).matches()) {
            throw f.fail(
                    "name",
                    "must be 1-64 letters, digits or . _ -, starting with a letter or digit, not '" + name + "'");
        }
        Kind kind = kind(f);
        checkKnown(f, kind);
        LaneBasics basics = new LaneBasics(
                name,
                f.integer("concurrency", 1, 1000),
                f.bool("default") || alone,
                f.string("model", kind == Kind.OPENAI),
                f.string("description", false),
                f.integer("attempts", 1, 100),
                node.line());
        return switch (kind) {
            case DEMO -> {
                Integer ms = f.integer("delay_ms", 0, 600_000);
                yield new DemoLane(basics, ms == null ? null : Duration.ofMillis(ms));
            }
            case OPENAI -> openAi(f, basics);
            case WORKER -> new WorkerLane(basics, maxContextTokens(f));
        };
    }

    private static Kind kind(Fields f) {
        String processor = f.string("processor", true);
        return Arrays.stream(Kind.values())
                .filter(k -> k.yamlName.equals(processor))
                .findFirst()
                .orElseThrow(() -> f.fail("processor", "must be demo, openai or worker, not '" + processor + "'"));
    }

    /** A field of another processor, or of none, is a mistake (most often a typo). */
    private static void checkKnown(Fields f, Kind kind) {
        for (String key : f.keys()) {
            if (COMMON.contains(key) || kind.ownFields.contains(key)) {
                continue;
            }
            String owners = Arrays.stream(Kind.values())
                    .filter(k -> k.ownFields.contains(key))
                    .map(k -> k.yamlName)
                    .collect(Collectors.joining(" or "));
            List<String> known = new ArrayList<>(COMMON);
            known.addAll(kind.ownFields);
            throw f.fail(
                    key,
                    !owners.isEmpty()
                            ? "is only for processor: " + owners + " (this lane is " + kind.yamlName + ")"
                            : "is not a known field; known: " + String.join(", ", known));
        }
    }

    private OpenAiLane openAi(Fields f, LaneBasics basics) {
        String baseUrl = f.string("base_url", true);
        checkUrl(f, baseUrl);
        String apiKeyEnv = f.string("api_key_env", false);
        String apiKey = null;
        if (apiKeyEnv != null) {
            if (!ENV_NAME.matcher(apiKeyEnv).matches()) {
                throw f.fail(
                        "api_key_env",
                        "is the NAME of an environment variable (like OPENAI_API_KEY), not '"
                                + Fields.abbreviate(apiKeyEnv) + "'; never put the key itself in the file");
            }
            String value = env.get(apiKeyEnv);
            apiKey = value == null || value.isBlank() ? null : value.trim();
        }
        double input = 0;
        double output = 0;
        Node pricesNode = f.node("price_per_million");
        if (pricesNode != null) {
            Fields prices = Fields.of(pricesNode, f.pathOf("price_per_million"), this::fail);
            for (String key : prices.keys()) {
                if (!key.equals("input") && !key.equals("output")) {
                    throw prices.fail(key, "is not a known field; known: input, output");
                }
            }
            input = prices.nonNegative("input", "US dollars per million tokens");
            output = prices.nonNegative("output", "US dollars per million tokens");
        }
        Integer seconds = f.integer("timeout_s", 1, 3600);
        return new OpenAiLane(
                basics,
                baseUrl,
                apiKeyEnv,
                apiKey,
                input,
                output,
                seconds == null ? null : Duration.ofSeconds(seconds),
                f.string("system_prompt", false),
                maxContextTokens(f),
                f.bool("vision"));
    }

    private static Integer maxContextTokens(Fields f) {
        return f.integer("max_context_tokens", 1, MAX_CONTEXT_TOKENS);
    }

    private static void checkUrl(Fields f, String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return;
            }
        } catch (URISyntaxException e) {
            // answered below
        }
        throw f.fail(
                "base_url", "must be an http:// or https:// URL such as https://api.openai.com/v1, not '" + url + "'");
    }

    private ConfigException fail(int line, String message) {
        return new ConfigException(fileName + " line " + line + ": " + message);
    }
}
