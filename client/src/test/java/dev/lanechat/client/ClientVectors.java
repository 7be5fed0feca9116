// Reads docs/client-vectors.json, the protocol's client rules as data shared with the web
// client's tests. Maven runs tests in the module's directory, so the file is one level up.
package dev.lanechat.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class ClientVectors {
    static final Path FILE = Path.of(System.getProperty("lanechat.vectors", "../docs/client-vectors.json"));

    private ClientVectors() {}

    /** @return the entries of one top-level section; fails when the section is missing or empty */
    static List<JsonNode> section(String name) {
        JsonNode all;
        try {
            all = new ObjectMapper().readTree(Files.readString(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
        }
        JsonNode entries = all.path(name);
        if (!entries.isArray() || entries.isEmpty()) {
            throw new AssertionError(FILE + " has no entries in \"" + name + "\"");
        }
        List<JsonNode> out = new ArrayList<>();
        entries.forEach(out::add);
        return out;
    }
}
