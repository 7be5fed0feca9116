package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.files.NewFile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fields of a worker's answer in the body of its complete call (protocol.md "Workers"), each
 * read and checked: 400 (or 413 past a bound) with what is wrong, naming the field.
 */
final class WorkerAnswerFields {
    static final int MAX_CONTENT_BYTES = 1024 * 1024;
    static final int MAX_FILES_BYTES = 10 * 1024 * 1024;
    static final int MAX_FILES = 20;
    private static final Pattern CONTENT_TYPE =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9!#$&^_.+-]+(\\s*;.*)?");

    private WorkerAnswerFields() {}

    static String content(JsonBody body) {
        JsonNode value = body.field("content");
        if (value == null || value.isNull()) {
            throw Rejection.invalid("\"content\" is required (it may be \"\" when the answer is only files).");
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"content\" must be a string.");
        }
        if (value.asText().getBytes(StandardCharsets.UTF_8).length > MAX_CONTENT_BYTES) {
            throw Rejection.tooLarge("\"content\" is over " + (MAX_CONTENT_BYTES / 1024 / 1024) + " MiB of UTF-8.");
        }
        return value.asText();
    }

    static double cost(JsonNode value) {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble()) || value.asDouble() < 0) {
            throw Rejection.invalid("\"cost_usd\" must be a number of US dollars, zero or more.");
        }
        return value.asDouble();
    }

    /** An optional token count of the answer (issue 20's usage): a whole number, zero or more; 0 when absent. */
    static long tokens(JsonBody body, String field) {
        JsonNode value = body.field(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
            throw Rejection.invalid("\"" + field + "\" must be a whole number of tokens, zero or more.");
        }
        return value.asLong();
    }

    static List<NewFile> files(JsonNode value) {
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw Rejection.invalid("\"files\" must be a list of {\"name\",\"content_type\",\"content_base64\"}.");
        }
        if (value.size() > MAX_FILES) {
            throw Rejection.invalid("\"files\" may have at most " + MAX_FILES + " items.");
        }
        List<NewFile> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String at = "files[" + i + "]";
            if (!item.isObject()) {
                throw Rejection.invalid(
                        "\"" + at + "\" must be an object with \"name\", \"content_type\" and \"content_base64\".");
            }
            String name = text(item, at, "name", true);
            if (name.length() > 255
                    || name.contains("/")
                    || name.contains("\\")
                    || name.chars().anyMatch(Character::isISOControl)
                    || name.equals(".")
                    || name.equals("..")) {
                throw Rejection.invalid("\"" + at + ".name\" must be a plain file name (no folders or control"
                        + " characters, at most 255 characters).");
            }
            String type = text(item, at, "content_type", false);
            if (type == null) {
                type = "application/octet-stream";
            } else if (type.length() > 255 || !CONTENT_TYPE.matcher(type).matches()) {
                throw Rejection.invalid("\"" + at + ".content_type\" must be a media type such as text/plain.");
            }
            JsonNode raw = item.get("content_base64");
            if (raw == null || raw.isNull()) {
                throw Rejection.invalid("\"" + at + ".content_base64\" is required.");
            }
            if (!raw.isTextual()) {
                throw Rejection.invalid("\"" + at + ".content_base64\" must be a string.");
            }
            String base64 = raw.asText();
            byte[] data;
            try {
                data = Base64.getDecoder().decode(base64);
            } catch (IllegalArgumentException e) {
                throw Rejection.invalid("\"" + at + ".content_base64\" is not valid base64.");
            }
            total += data.length;
            if (total > MAX_FILES_BYTES) {
                throw Rejection.tooLarge(
                        "The files of one answer may have at most " + (MAX_FILES_BYTES / 1024 / 1024) + " MiB in all.");
            }
            files.add(new NewFile(name, type, data));
        }
        return files;
    }

    /** A non-empty string field of a file item; null when absent and optional. */
    private static String text(JsonNode item, String at, String field, boolean required) {
        JsonNode value = item.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw Rejection.invalid("\"" + at + "." + field + "\" is required.");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"" + at + "." + field + "\" must be a string.");
        }
        if (value.asText().isBlank()) {
            throw Rejection.invalid("\"" + at + "." + field + "\" must not be empty.");
        }
        return value.asText();
    }
}
