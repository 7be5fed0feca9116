package dev.lanechat.server.auth;

/** {@code open}: one local user, no credentials (loopback only). {@code token}: users with API tokens. */
public enum AuthMode {
    OPEN,
    TOKEN
}
