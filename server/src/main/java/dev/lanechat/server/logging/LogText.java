package dev.lanechat.server.logging;

/**
 * Makes a string a client gave (a worker's error or model, a lane name from a path) safe to put
 * in a log line: every control character (CR, LF, tab, ESC, the C1 range, the line and paragraph
 * separators) becomes {@code ?}, so a client cannot start a fake line, and the length is capped.
 */
public final class LogText {
    /** The default cap, in characters. */
    public static final int MAX_CHARS = 200;

    private LogText() {}

    public static String clean(String text) {
        return clean(text, MAX_CHARS);
    }

    /** {@code text} with controls replaced, cut to {@code max} characters (with an ellipsis). */
    public static String clean(String text, int max) {
        if (text == null) {
            return "null";
        }
        int end = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(end + 1);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c)
                    || c == '\u2028'
                    || c == '\u2029'
                    || (Character.isSurrogate(c) && (i + 1 >= end && Character.isHighSurrogate(c)));
            out.append(unsafe ? '?' : c);
        }
        if (text.length() > max) {
            out.append('…');
        }
        return out.toString();
    }
}
