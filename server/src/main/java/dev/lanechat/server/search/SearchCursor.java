package dev.lanechat.server.search;

import dev.lanechat.server.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a walk through search results stands: the last hit returned, in the order
 * {@code at DESC, sort_key DESC}. Opaque on the wire (base64url, versioned), like the list cursor.
 */
record SearchCursor(String at, String sortKey) {
    private static final String VERSION = "s1";
    private static final int MAX_CHARS = 512;

    String encode() {
        String text = String.join("\n", VERSION, at, sortKey);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    static SearchCursor decode(String cursor) {
        if (cursor.length() > MAX_CHARS) {
            throw unknown();
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
            if (parts.length != 3 || !parts[0].equals(VERSION) || parts[2].length() < 2) {
                throw unknown();
            }
            Instant.parse(parts[1]);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw unknown();
        }
        return new SearchCursor(parts[1], parts[2]);
    }

    private static Rejection unknown() {
        return Rejection.invalid("\"before\" is not a cursor this server gave out; use \"next_before\" of the"
                + " last page, or leave it out for the first page.");
    }
}
