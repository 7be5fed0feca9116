package dev.lanechat.server.files;

/** A stored file as the API shows it; {@code url} is where its owner downloads the bytes. */
public record FileInfo(String id, String name, long size, String contentType, String url) {
    public static FileInfo of(String id, String name, long size, String contentType) {
        return new FileInfo(id, name, size, contentType, "/api/files/" + id);
    }
}
