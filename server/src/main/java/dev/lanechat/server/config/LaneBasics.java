package dev.lanechat.server.config;

/**
 * The fields of the lanes file that every lane has, whatever its processor. Null where the file
 * left a value out ({@code attempts}: --max-attempts; {@code concurrency} and {@code model}: the
 * processor's default).
 *
 * @param line where the lane starts in the file (for messages), 0 for the built-in lane
 */
public record LaneBasics(
        String name,
        Integer concurrency,
        boolean isDefault,
        String model,
        String description,
        Integer attempts,
        int line) {}
