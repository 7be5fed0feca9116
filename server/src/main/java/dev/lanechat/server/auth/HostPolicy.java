package dev.lanechat.server.auth;

import java.util.List;
import java.util.Locale;

/**
 * Which {@code Host} names open mode answers: the loopback ones ({@code localhost},
 * {@code 127.x.x.x}, {@code [::1]}, any port) and the names on {@code --allowed-hosts}.
 *
 * <p>Why: open mode has no credentials, so the only thing that tells the local user's own page
 * from a foreign page is the name the browser used. A page on {@code evil.example} that rebinds
 * its DNS name to 127.0.0.1 (DNS rebinding) reaches this server as same-origin to itself, with
 * {@code Host: evil.example}; refusing every name that is not a loopback name closes that door.
 */
public final class HostPolicy {
    private final List<String> allowed;

    /** @param allowedHosts extra names, with or without a port ({@code chat.lan}, {@code chat.lan:8080}) */
    public HostPolicy(List<String> allowedHosts) {
        this.allowed = allowedHosts.stream()
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .toList();
    }

    /** Whether a request with this {@code Host} header is answered in open mode. */
    public boolean allows(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (allowed.contains(host)) {
            return true;
        }
        String name = withoutPort(host);
        return name != null && (loopback(name) || allowed.contains(name));
    }

    /** The name of a {@code host[:port]} value, or null when it is malformed. */
    private static String withoutPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || (close + 1 < host.length() && !port(host.substring(close + 1)))) {
                return null;
            }
            return host.substring(0, close + 1);
        }
        int colon = host.indexOf(':');
        if (colon < 0) {
            return host;
        }
        return port(host.substring(colon)) ? host.substring(0, colon) : null;
    }

    private static boolean port(String colonAndDigits) {
        return colonAndDigits.length() > 1
                && colonAndDigits.length() <= 6
                && colonAndDigits.charAt(0) == ':'
                && colonAndDigits.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean loopback(String name) {
        if (name.equals("localhost") || name.equals("[::1]")) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty()
                    || part.length() > 3
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
