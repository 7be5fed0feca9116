package dev.lanechat.server.files;

import dev.lanechat.server.Rejection;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * What an upload may be (protocol.md E14): a text file of at most {@value #MAX_TEXT_BYTES} bytes of
 * valid UTF-8 (by its content type, else its name's extension), or a PNG, JPEG, WebP or GIF image of
 * at most {@value #MAX_IMAGE_BYTES} bytes, told by its first bytes (magic), not by the header alone.
 * Each refusal is a {@link Rejection} with the contract's code; nothing is stored.
 */
public final class UploadCheck {
    public static final int MAX_TEXT_BYTES = 1024 * 1024;
    public static final int MAX_IMAGE_BYTES = 10 * 1024 * 1024;
    public static final int MAX_NAME_CHARS = 255;

    static final Set<String> IMAGE_TYPES = Set.of("image/png", "image/jpeg", "image/webp", "image/gif");

    private static final Set<String> TEXT_APPLICATION_TYPES = Set.of(
            "application/json",
            "application/x-ndjson",
            "application/xml",
            "application/yaml",
            "application/x-yaml",
            "application/toml",
            "application/javascript",
            "application/typescript",
            "application/x-sh",
            "application/x-python",
            "application/sql",
            "application/csv",
            "application/graphql",
            "application/x-httpd-php");

    /** Extensions read as text when the content type says nothing (application/octet-stream or none). */
    private static final Set<String> TEXT_EXTENSIONS = Set.of(
            "txt",
            "md",
            "markdown",
            "rst",
            "csv",
            "tsv",
            "json",
            "jsonl",
            "ndjson",
            "log",
            "yaml",
            "yml",
            "toml",
            "ini",
            "cfg",
            "conf",
            "xml",
            "html",
            "htm",
            "css",
            "scss",
            "js",
            "mjs",
            "cjs",
            "ts",
            "tsx",
            "jsx",
            "java",
            "kt",
            "kts",
            "scala",
            "groovy",
            "gradle",
            "py",
            "rb",
            "go",
            "rs",
            "c",
            "h",
            "cc",
            "cpp",
            "hpp",
            "cs",
            "swift",
            "m",
            "php",
            "pl",
            "lua",
            "r",
            "sql",
            "sh",
            "bash",
            "zsh",
            "fish",
            "ps1",
            "bat",
            "dockerfile",
            "makefile",
            "properties",
            "env",
            "gitignore",
            "diff",
            "patch",
            "tex",
            "svelte",
            "vue",
            "proto",
            "graphql",
            "hs",
            "ex",
            "exs",
            "erl",
            "clj",
            "dart",
            "zig",
            "nim",
            "ml",
            "fs",
            "vb",
            "asm");

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "webp", "gif");

    /** What an accepted upload is stored as. */
    public record Accepted(String contentType, String kind) {}

    private UploadCheck() {}

    /** A plain file name: 1 to 255 characters, no folder parts ({@code /}, {@code \}, {@code ..}) and no control characters. */
    public static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw Rejection.invalid("Name the file: POST /api/uploads?name=FILE_NAME.");
        }
        if (name.length() > MAX_NAME_CHARS
                || name.contains("/")
                || name.contains("\\")
                || name.contains("..")
                || name.equals(".")
                || name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
            throw Rejection.invalid("\"name\" must be a plain file name: no folders (/, \\ or ..), no control"
                    + " characters, at most " + MAX_NAME_CHARS + " characters.");
        }
        return name.strip();
    }

    /** The stored content type and kind of an upload, or the refusal (415, 413, 400). */
    public static Accepted check(String name, String declaredType, byte[] data) {
        if (data.length == 0) {
            throw Rejection.invalid("The file '" + name + "' is empty.");
        }
        String declared = mediaType(declaredType);
        String extension = extension(name);
        String image = imageType(data);
        if (image != null) {
            if (data.length > MAX_IMAGE_BYTES) {
                throw Rejection.tooLarge(
                        "The image '" + name + "' is over " + (MAX_IMAGE_BYTES / 1024 / 1024) + " MiB.");
            }
            return new Accepted(image, "image");
        }
        if (declared.startsWith("image/") || IMAGE_EXTENSIONS.contains(extension)) {
            throw unsupported(name, "it is not a PNG, JPEG, WebP or GIF image (its bytes say otherwise)");
        }
        boolean textByType = isTextType(declared);
        boolean unknownType = declared.isEmpty() || declared.equals("application/octet-stream");
        if (!textByType && !(unknownType && TEXT_EXTENSIONS.contains(extension))) {
            throw unsupported(name, "only text files and PNG, JPEG, WebP or GIF images are accepted");
        }
        if (data.length > MAX_TEXT_BYTES) {
            throw Rejection.tooLarge(
                    "The text file '" + name + "' is over " + (MAX_TEXT_BYTES / 1024 / 1024) + " MiB.");
        }
        if (!utf8(data)) {
            throw unsupported(name, "a text file must be valid UTF-8 without NUL characters");
        }
        String stored = textByType ? declared : textTypeOf(extension);
        return new Accepted(stored + "; charset=utf-8", "text");
    }

    /** Whether a media type (no parameters, lower case) is one read as text. */
    static boolean isTextType(String type) {
        return type.startsWith("text/")
                || TEXT_APPLICATION_TYPES.contains(type)
                || type.endsWith("+json")
                || type.endsWith("+xml");
    }

    private static Rejection unsupported(String name, String why) {
        return new Rejection(
                Rejection.Reason.UNSUPPORTED_MEDIA_TYPE, "The file '" + name + "' is refused: " + why + ".");
    }

    private static String textTypeOf(String extension) {
        return switch (extension) {
            case "md", "markdown" -> "text/markdown";
            case "csv" -> "text/csv";
            case "json" -> "application/json";
            case "html", "htm" -> "text/html";
            default -> "text/plain";
        };
    }

    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static String extension(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        int dot = lower.lastIndexOf('.');
        return dot < 0 ? lower : lower.substring(dot + 1);
    }

    /** The image type its first bytes say, or null. */
    static String imageType(byte[] d) {
        if (starts(d, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (starts(d, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (starts(d, 'G', 'I', 'F', '8') && d.length > 5 && (d[4] == '7' || d[4] == '9') && d[5] == 'a') {
            return "image/gif";
        }
        if (d.length >= 12
                && starts(d, 'R', 'I', 'F', 'F')
                && d[8] == 'W'
                && d[9] == 'E'
                && d[10] == 'B'
                && d[11] == 'P') {
            return "image/webp";
        }
        return null;
    }

    private static boolean starts(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((data[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean utf8(byte[] data) {
        for (byte b : data) {
            if (b == 0) {
                return false;
            }
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
