package dev.lanechat.server.lanes;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the server knows of a model from its name alone: the tokenizer of an OpenAI model, and the
 * context size of the models it knows. A name matches its longest known prefix, so a dated
 * snapshot ({@code gpt-4o-2024-08-06}) is its family. Any other model (Ollama's, vLLM's, …) is
 * counted with {@link TokenCounter.Estimate} and has no known size.
 *
 * <p>The tokenizers' vocabularies are shared by the whole JVM ({@link Vocabularies}): each is
 * constant data that takes seconds to load (o200k_base: ~4 s on a busy 2-core machine), so it is
 * loaded once, when a lane first asks for it, and never changes after; every server and test in
 * the JVM uses the same. That is the one reason for a static here.
 */
public final class ModelCatalog {
    /** Context sizes in tokens (prompt and answer together), from OpenAI's model pages. */
    private static final Map<String, Integer> CONTEXT_SIZES = Map.ofEntries(
            Map.entry("gpt-3.5-turbo", 16_385),
            Map.entry("gpt-4", 8_192),
            Map.entry("gpt-4-32k", 32_768),
            Map.entry("gpt-4-turbo", 128_000),
            Map.entry("gpt-4-1106", 128_000),
            Map.entry("gpt-4-0125", 128_000),
            Map.entry("gpt-4o", 128_000),
            Map.entry("gpt-4.1", 1_047_576),
            Map.entry("gpt-4.5", 128_000),
            Map.entry("gpt-5", 400_000),
            Map.entry("o1", 200_000),
            Map.entry("o3", 200_000),
            Map.entry("o4-mini", 200_000));
    /** Families on o200k_base that jtokkit 1.1.0 does not name (it knows gpt-4o). */
    private static final List<String> O200K = List.of("gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4");

    /** Loaded on first use, then constant (see the class comment). */
    private static final class Vocabularies {
        static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    }

    /**
     * The real tokenizer of an OpenAI model, else the estimate. Its vocabulary is loaded now (the
     * first time in this JVM), so that no task pays for it.
     */
    public TokenCounter tokenizer(String model) {
        String name = model.toLowerCase(Locale.ROOT);
        EncodingRegistry registry = Vocabularies.REGISTRY;
        TokenCounter counter = longestPrefix(O200K, name).isPresent()
                ? new TokenCounter.Exact(registry.getEncoding(EncodingType.O200K_BASE))
                : registry.getEncodingForModel(name)
                        .<TokenCounter>map(TokenCounter.Exact::new)
                        .orElseGet(TokenCounter.Estimate::new);
        counter.count("loaded");
        return counter;
    }

    /** The context size of a model the server knows, else empty. */
    public OptionalInt contextSize(String model) {
        return longestPrefix(CONTEXT_SIZES.keySet(), model.toLowerCase(Locale.ROOT))
                .map(prefix -> OptionalInt.of(CONTEXT_SIZES.get(prefix)))
                .orElse(OptionalInt.empty());
    }

    /** The longest of {@code prefixes} that {@code name} is or starts with followed by '-' (a dated snapshot). */
    private static Optional<String> longestPrefix(java.util.Collection<String> prefixes, String name) {
        return prefixes.stream()
                .filter(p -> name.equals(p) || name.startsWith(p + "-"))
                .max(java.util.Comparator.comparingInt(String::length));
    }
}
