// Wire object: a file attached to an answer (named FileInfo to stay clear of java.io.File).
package dev.lanechat.client;

/**
 * A file a lane produced with its answer; fetch its bytes with {@link LanechatClient#downloadFile}.
 *
 * @param id the file's id
 * @param name the file name
 * @param size its size in bytes
 * @param contentType its media type
 * @param url the API path of its bytes, {@code /api/files/{id}}
 */
public record FileInfo(String id, String name, long size, String contentType, String url) {}
