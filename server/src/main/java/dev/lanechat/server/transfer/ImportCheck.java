package dev.lanechat.server.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.Rejection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The checks both import formats share, each failing with a 400 that names the place in the
 * file ({@code conversations[3].messages[1].role}) and what is wrong there, so a person can fix
 * the file.
 */
final class ImportCheck {
    static final int MAX_CONVERSATIONS = 10_000;
    static final int MAX_MESSAGES = 10_000;
    static final int MAX_CONTENT_CHARS = 1024 * 1024;
    static final int MAX_TITLE_CHARS = 200;

    private ImportCheck() {}

    static Rejection wrong(String where, String what) {
        return Rejection.invalid("The file is not importable: " + where + " " + what + ". Nothing was imported.");
    }

    static JsonNode array(JsonNode parent, String field, String where, int max) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isArray()) {
            throw wrong(where + "." + field, "must be an array");
        }
        if (value.size() > max) {
            throw wrong(where + "." + field, "has more than " + max + " items");
        }
        return value;
    }

    static String optionalText(JsonNode parent, String field, String where) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrong(where + "." + field, "must be a string");
        }
        return value.asText();
    }

    static String content(String text, String where) {
        if (text.length() > MAX_CONTENT_CHARS) {
            throw wrong(where, "is over 1 MiB");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c) || c == 0) {
                throw wrong(where, "holds a character that cannot be stored (a NUL or an unpaired surrogate)");
            }
        }
        return text;
    }

    /** An ISO-8601 instant ("2026-01-02T03:04:05Z"); {@code fallback} when absent. */
    static Instant instant(JsonNode parent, String field, String where, Instant fallback) {
        String text = optionalText(parent, field, where);
        if (text == null) {
            return fallback;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw wrong(where + "." + field, "is not a time like 2026-01-02T03:04:05Z");
        }
    }

    /** Seconds since 1970 with a fraction (ChatGPT's create_time); {@code fallback} when absent. */
    static Instant epochSeconds(JsonNode parent, String field, String where, Instant fallback) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || value.asDouble() < 0 || value.asDouble() > 32_503_680_000d) {
            throw wrong(where + "." + field, "must be a time in seconds since 1970");
        }
        BigDecimal seconds = value.decimalValue();
        long whole = seconds.longValue();
        long nanos =
                seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    static String title(String title) {
        if (title == null || title.isBlank()) {
            return null;
        }
        String t = title.strip();
        if (t.length() <= MAX_TITLE_CHARS) {
            return t;
        }
        int cut = MAX_TITLE_CHARS - 1;
        if (Character.isHighSurrogate(t.charAt(cut - 1))) {
            cut--;
        }
        return t.substring(0, cut) + "…";
    }
}
