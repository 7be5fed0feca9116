package dev.lanechat.server.files;

/** A file with its bytes, for download. */
public record StoredFile(FileInfo info, byte[] data) {}
