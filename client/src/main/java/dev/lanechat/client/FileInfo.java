// Wire object: a file attached to a message (named FileInfo to stay clear of java.io.File).
package dev.lanechat.client;

/**
 * A file a lane produced with its answer, or one attached to a user's message (protocol.md E14);
 * fetch its bytes with {@link LanechatClient#downloadFile}.
 *
 * @param id the file's id (for an upload: what a send names in its attachments)
 * @param name the file name
 * @param size its size in bytes
 * @param contentType its media type
 * @param url the API path of its bytes, {@code /api/files/{id}}
 * @param kind "image", "text" or "file" (E14); null from a server before it
 */
public record FileInfo(String id, String name, long size, String contentType, String url, String kind) {
    /** A file without its kind (as servers before E14 describe it). */
    public FileInfo(String id, String name, long size, String contentType, String url) {
        this(id, name, size, contentType, url, null);
    }
}
