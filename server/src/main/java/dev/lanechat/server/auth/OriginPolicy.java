package dev.lanechat.server.auth;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Which browser pages may open a socket (protocol.md, "Origins"): a request with no Origin (not a
 * browser), one whose Origin has the host and port of its Host header, or one on the allow-list.
 */
public final class OriginPolicy {
    private final List<String> allowed;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalise).toList();
    }

    public boolean allows(String origin, String host) {
        if (origin == null || origin.isBlank()) {
            return true;
        }
        String normalised = normalise(origin);
        if (allowed.contains(normalised)) {
            return true;
        }
        try {
            URI uri = URI.create(origin.trim());
            if (uri.getHost() == null || host == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            String originHostPort = bracketed(uri.getHost()) + ":" + port;
            String hostHeader = host.trim().toLowerCase(Locale.ROOT);
            String hostWithPort = hostHeader.matches(".*:\\d+$") ? hostHeader : hostHeader + ":" + port;
            return originHostPort.toLowerCase(Locale.ROOT).equals(hostWithPort);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String normalise(String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
