package dev.lanechat.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * A YAML document read token by token into plain values that each know the line they start on, so
 * that a config file's messages can name the line a person looks for (a field's line is its key's).
 * Used by {@link LanesFile}; {@link Fields} reads typed values out of a mapping.
 */
final class YamlTree {
    /** A parsed value with its line: a String, Long, Double, Boolean, Map of Nodes, List of Nodes or null. */
    record Node(Object value, int line) {}

    private final BiFunction<Integer, String, ConfigException> fail;

    private YamlTree(BiFunction<Integer, String, ConfigException> fail) {
        this.fail = fail;
    }

    /**
     * The root of {@code text}, or null when it is empty.
     *
     * @param fail makes the exception for a mistake at a line (it names the file)
     */
    static Node parse(String text, BiFunction<Integer, String, ConfigException> fail) {
        YamlTree tree = new YamlTree(fail);
        try (Reader reader = new StringReader(text);
                JsonParser parser = new YAMLFactory().createParser(reader)) {
            return parser.nextToken() == null ? null : tree.value(parser);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw fail.apply(at == null ? 1 : at.getLineNr(), "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw fail.apply(1, "cannot be read: " + e.getMessage());
        }
    }

    /** The value at the parser's current token (its start), with its line. */
    private Node value(JsonParser p) throws IOException {
        int line = p.currentTokenLocation().getLineNr();
        JsonToken token = p.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Node> fields = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    int keyLine = p.currentTokenLocation().getLineNr();
                    if (fields.containsKey(key)) {
                        throw fail.apply(keyLine, "'" + key + "' appears twice in one mapping");
                    }
                    p.nextToken();
                    fields.put(key, new Node(value(p).value(), keyLine));
                }
                yield new Node(fields, line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(p));
                }
                yield new Node(items, line);
            }
            case VALUE_STRING -> new Node(p.getText(), line);
            case VALUE_NUMBER_INT -> {
                try {
                    yield new Node(p.getLongValue(), line);
                } catch (IOException tooBig) {
                    yield new Node(p.getText(), line);
                }
            }
            case VALUE_NUMBER_FLOAT -> new Node(p.getDoubleValue(), line);
            case VALUE_TRUE -> new Node(true, line);
            case VALUE_FALSE -> new Node(false, line);
            case VALUE_NULL -> new Node(null, line);
            default -> throw fail.apply(line, "unexpected YAML (" + token + ")");
        };
    }
}
