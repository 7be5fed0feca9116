package dev.lanechat.server.conversations;

/**
 * How many bytes a string takes as a JSON string value the way the server's mapper writes it
 * (UTF-8, {@code "} and {@code \} and the named controls escaped in two bytes, other control
 * characters in six), without its quotes. Pages of messages are cut by it, so that content of
 * control characters cannot make an answer six times its stored size.
 */
final class JsonSize {
    private JsonSize() {}

    static long of(String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
                bytes += 2;
            } else if (c < 0x20) {
                bytes += 6;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
