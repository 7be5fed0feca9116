package dev.lanechat.server.auth;

/** The person a request acts for. Every stored object belongs to exactly one. */
public record User(String id, String name) {}
