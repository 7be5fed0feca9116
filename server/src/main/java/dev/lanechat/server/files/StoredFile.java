package dev.lanechat.server.files;

/** A file with its bytes, for download. */
// The bytes pass through to the answer; no StoredFile is compared or hashed, so array identity is moot.
@SuppressWarnings("ArrayRecordComponent")
public record StoredFile(FileInfo info, byte[] data) {}
