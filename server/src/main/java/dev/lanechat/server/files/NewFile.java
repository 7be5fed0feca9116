package dev.lanechat.server.files;

/** A file a processor produced, before it is stored. */
// The bytes pass through to the store; no NewFile is compared or hashed, so array identity is moot.
@SuppressWarnings("ArrayRecordComponent")
public record NewFile(String name, String contentType, byte[] data) {}
