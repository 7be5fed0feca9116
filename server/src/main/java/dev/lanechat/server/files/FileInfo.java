package dev.lanechat.server.files;

import java.util.Locale;

/**
 * A stored file as the API shows it; {@code url} is where its owner downloads the bytes.
 * {@code kind} is {@code "image"} (PNG, JPEG, WebP, GIF), {@code "text"} (text/*, JSON and the like)
 * or {@code "file"} (anything else: only a worker's result files), from the content type.
 */
public record FileInfo(String id, String name, long size, String contentType, String url, String kind) {
    public static FileInfo of(String id, String name, long size, String contentType) {
        return new FileInfo(id, name, size, contentType, "/api/files/" + id, kindOf(contentType));
    }

    /** The kind of a content type, as {@link #kind} says. */
    public static String kindOf(String contentType) {
        String type =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (UploadCheck.IMAGE_TYPES.contains(type)) {
            return "image";
        }
        if (UploadCheck.isTextType(type)) {
            return "text";
        }
        return "file";
    }

    public boolean isImage() {
        return kind.equals("image");
    }
}
