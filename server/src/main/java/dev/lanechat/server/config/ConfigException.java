package dev.lanechat.server.config;

/** A flag or environment value that cannot be used; its message is shown to the person as is. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
