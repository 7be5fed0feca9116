package dev.lanechat.server.files;

/** A file a processor produced, before it is stored. */
public record NewFile(String name, String contentType, byte[] data) {}
