package dev.lanechat.server.search;

import dev.lanechat.server.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a person typed into the search box, reduced to the words both stores index: runs of
 * letters and digits, lower-cased. Everything else (quotes, {@code *}, {@code -}, {@code :},
 * parentheses, FTS5's or tsquery's operators) only separates words, so no query syntax reaches
 * the engine and a stray character can never make the search fail. All words must match, each as
 * a prefix.
 */
public record SearchQuery(List<String> words) {
    /** The longest query accepted, in bytes of UTF-8. */
    public static final int MAX_BYTES = 1024;
    /** The most words used; the rest are ignored (a longer query narrows nothing a person needs). */
    public static final int MAX_WORDS = 16;
    /** The longest word kept (FTS5 and tsvector both drop or split longer tokens). */
    static final int MAX_WORD_CHARS = 100;

    private static final Pattern SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");

    public SearchQuery {
        words = List.copyOf(words);
    }

    /** Parses {@code q}; a missing, empty, over-long or wordless query is a 400 that names why. */
    public static SearchQuery parse(String q) {
        if (q == null || q.isBlank()) {
            throw Rejection.invalid("\"q\" is required: the words to search for.");
        }
        if (q.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw Rejection.invalid("\"q\" is over " + MAX_BYTES + " bytes; search for fewer words.");
        }
        List<String> words = new ArrayList<>();
        for (String word : SEPARATORS.split(q.toLowerCase(Locale.ROOT), -1)) {
            if (!word.isEmpty()
                    && word.length() <= MAX_WORD_CHARS
                    && !words.contains(word)
                    && words.size() < MAX_WORDS) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            throw Rejection.invalid("\"q\" holds no word to search for (letters or digits).");
        }
        return new SearchQuery(words);
    }
}
