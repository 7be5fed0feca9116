package dev.lanechat.server.config;

import dev.lanechat.server.auth.AuthMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Turns {@code serve} flags and {@code LANECHAT_*} environment variables into a {@link Config}.
 * A flag wins over its environment variable, which wins over the default. The environment is
 * passed in so that tests can give their own.
 *
 * <p>Over 300 lines as one mechanism: half of it is the table of options (flag, variable, help,
 * how it sets the builder), which is the whole {@code serve --help}; the rest reads it.
 */
public final class ConfigParser {

    private record Option(String flag, String env, String help, BiConsumer<Config.Builder, String> apply) {}

    private static final List<Option> OPTIONS = List.of(
            new Option(
                    "--port",
                    "LANECHAT_PORT",
                    "port to listen on, 0 for any free port (default 8080)",
                    (b, v) -> b.port(integer("--port", v, 0, 65535))),
            new Option("--bind", "LANECHAT_BIND", "address to listen on (default 127.0.0.1)", Config.Builder::bind),
            new Option(
                    "--data-dir",
                    "LANECHAT_DATA_DIR",
                    "folder of the embedded database (default ./data)",
                    (b, v) -> b.dataDir(Path.of(v))),
            new Option(
                    "--db",
                    "LANECHAT_DB",
                    "database URL (default: SQLite at <data dir>/lanechat.db)",
                    Config.Builder::db),
            new Option(
                    "--db-pool",
                    "LANECHAT_DB_POOL",
                    "PostgreSQL connections a node's pool holds, besides the writer's (default 16)",
                    (b, v) -> b.dbPool(integer("--db-pool", v, 2, 1_000))),
            new Option(
                    "--demo-delay-ms",
                    "LANECHAT_DEMO_DELAY_MS",
                    "how long the demo lane thinks (default 300)",
                    (b, v) -> b.demoDelay(Duration.ofMillis(integer("--demo-delay-ms", v, 0, 600_000)))),
            new Option(
                    "--lease-s",
                    "LANECHAT_LEASE_S",
                    "seconds a running task is leased (default 30)",
                    (b, v) -> b.lease(Duration.ofSeconds(integer("--lease-s", v, 1, 86_400)))),
            new Option(
                    "--max-attempts",
                    "LANECHAT_MAX_ATTEMPTS",
                    "attempts of a task before it fails (default 3)",
                    (b, v) -> b.maxAttempts(integer("--max-attempts", v, 1, 100))),
            new Option(
                    "--auth",
                    "LANECHAT_AUTH",
                    "open (one local user) or token (users with API tokens)",
                    (b, v) -> b.auth(authMode(v))),
            new Option(
                    "--allowed-origins",
                    "LANECHAT_ALLOWED_ORIGINS",
                    "other page origins that may open sockets, comma-separated",
                    (b, v) -> b.allowedOrigins(list(v))),
            new Option(
                    "--allowed-hosts",
                    "LANECHAT_ALLOWED_HOSTS",
                    "host names open mode answers besides 127.0.0.1, localhost and [::1], comma-separated",
                    (b, v) -> b.allowedHosts(list(v))),
            new Option(
                    "--max-sockets-per-user",
                    "LANECHAT_MAX_SOCKETS_PER_USER",
                    "open sockets one user may hold (default 32)",
                    (b, v) -> b.maxSocketsPerUser(integer("--max-sockets-per-user", v, 1, 100_000))),
            new Option(
                    "--max-sockets",
                    "LANECHAT_MAX_SOCKETS",
                    "open sockets this server holds at most (default 10000)",
                    (b, v) -> b.maxSockets(integer("--max-sockets", v, 1, 1_000_000))),
            new Option(
                    "--send-per-minute",
                    "LANECHAT_SEND_PER_MINUTE",
                    "messages a user may send a minute, after a burst (default 120)",
                    (b, v) -> b.sendPerMinute(integer("--send-per-minute", v, 1, 1_000_000))),
            new Option(
                    "--send-burst",
                    "LANECHAT_SEND_BURST",
                    "messages a user may send at once before the per-minute rate applies (default 120)",
                    (b, v) -> b.sendBurst(integer("--send-burst", v, 1, 1_000_000))),
            new Option(
                    "--conversation-per-minute",
                    "LANECHAT_CONVERSATION_PER_MINUTE",
                    "conversations a user may create or rename a minute, after a burst (default 30)",
                    (b, v) -> b.conversationPerMinute(integer("--conversation-per-minute", v, 1, 1_000_000))),
            new Option(
                    "--conversation-burst",
                    "LANECHAT_CONVERSATION_BURST",
                    "conversations a user may create or rename at once before the per-minute rate applies (default 30)",
                    (b, v) -> b.conversationBurst(integer("--conversation-burst", v, 1, 1_000_000))),
            new Option(
                    "--history-messages",
                    "LANECHAT_HISTORY_MESSAGES",
                    "newest messages of a conversation given to a lane, the one answered included (default 100)",
                    (b, v) -> b.historyMessages(integer("--history-messages", v, 1, 100_000))),
            new Option(
                    "--history-bytes",
                    "LANECHAT_HISTORY_BYTES",
                    "bytes of UTF-8 content given to a lane at most, the message answered always (default 262144)",
                    (b, v) -> b.historyBytes(integer("--history-bytes", v, 1, 1_073_741_824))),
            new Option(
                    "--quota-messages-per-day",
                    "LANECHAT_QUOTA_MESSAGES_PER_DAY",
                    "messages a user may have answered a UTC day, unless an admin set its own (default: no limit)",
                    (b, v) -> b.quotaMessagesPerDay(integer("--quota-messages-per-day", v, 0, 1_000_000_000))),
            new Option(
                    "--quota-usd-per-month",
                    "LANECHAT_QUOTA_USD_PER_MONTH",
                    "US dollars a user's answers may cost a UTC month, unless an admin set its own (default: no limit)",
                    (b, v) -> b.quotaUsdPerMonth(dollars("--quota-usd-per-month", v))),
            new Option(
                    "--crash-after-commits",
                    "LANECHAT_CRASH_AFTER_COMMITS",
                    "for crash tests only: kill the process (as kill -9 would) right after the N-th SQLite commit, before anyone hears of it (default 0: never)",
                    (b, v) -> b.crashAfterCommits(integer("--crash-after-commits", v, 0, Integer.MAX_VALUE))),
            new Option(
                    "--lanes",
                    "LANECHAT_LANES",
                    "YAML file of the lanes (default: the demo lane alone); see README",
                    (b, v) -> b.lanesFile(Path.of(v))),
            new Option(
                    "--web-dir",
                    "LANECHAT_WEB_DIR",
                    "serve the web client from this folder (development)",
                    (b, v) -> b.webDir(Path.of(v))),
            new Option(
                    "--public-url",
                    "LANECHAT_PUBLIC_URL",
                    "the URL people open, behind a proxy the proxy's (e.g. https://chat.example.com); single sign-on's redirect URI is built from it",
                    (b, v) -> b.publicUrl(httpUrl("--public-url", v, true))),
            new Option(
                    "--oidc-issuer",
                    "LANECHAT_OIDC_ISSUER",
                    "single sign-on: the OIDC provider's issuer URL (discovery at <issuer>/.well-known/openid-configuration)",
                    (b, v) -> b.oidcIssuer(httpUrl("--oidc-issuer", v, false))),
            new Option(
                    "--oidc-client-id",
                    "LANECHAT_OIDC_CLIENT_ID",
                    "single sign-on: this server's client id at the provider",
                    Config.Builder::oidcClientId),
            new Option(
                    "--oidc-client-secret-env",
                    "LANECHAT_OIDC_CLIENT_SECRET_ENV",
                    "single sign-on: the NAME of the environment variable holding the client secret (none: a public client)",
                    (b, v) -> {}), // read in parse(), where the environment is at hand
            new Option(
                    "--oidc-allowed-domains",
                    "LANECHAT_OIDC_ALLOWED_DOMAINS",
                    "single sign-on: email domains that may sign in (verified addresses only), comma-separated",
                    (b, v) -> b.oidcAllowedDomains(list(v))),
            new Option(
                    "--oidc-allowed-groups",
                    "LANECHAT_OIDC_ALLOWED_GROUPS",
                    "single sign-on: groups (in the groups claim) that may sign in, comma-separated",
                    (b, v) -> b.oidcAllowedGroups(list(v))),
            new Option(
                    "--oidc-admin-groups",
                    "LANECHAT_OIDC_ADMIN_GROUPS",
                    "single sign-on: groups whose members are admins (checked at each sign-in), comma-separated",
                    (b, v) -> b.oidcAdminGroups(list(v))),
            new Option(
                    "--oidc-groups-claim",
                    "LANECHAT_OIDC_GROUPS_CLAIM",
                    "single sign-on: the ID token claim listing a person's groups (default groups)",
                    Config.Builder::oidcGroupsClaim),
            new Option(
                    "--oidc-provider-name",
                    "LANECHAT_OIDC_PROVIDER_NAME",
                    "single sign-on: the name on the sign-in button (default: the issuer's host)",
                    Config.Builder::oidcProviderName));

    private ConfigParser() {}

    /** Parses {@code args} (the words after {@code serve}) over the environment {@code env}. */
    public static Config parse(List<String> args, Map<String, String> env) {
        Config.Builder builder = Config.defaults().toBuilder();
        for (Option option : OPTIONS) {
            String value = env.get(option.env());
            if (value != null && !value.isBlank()) {
                try {
                    option.apply().accept(builder, value.trim());
                } catch (ConfigException e) {
                    throw new ConfigException(option.env() + " (" + e.getMessage() + ")");
                }
            }
        }
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            String value = null;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            Option option = find(flag);
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new ConfigException(flag + " needs a value; see --help");
                }
                value = args.get(++i);
            }
            option.apply().accept(builder, value);
        }
        String secretEnv = value(args, env, "--oidc-client-secret-env");
        if (secretEnv != null) {
            String secret = env.get(secretEnv.trim());
            if (secret == null || secret.isBlank()) {
                throw new ConfigException("--oidc-client-secret-env names " + secretEnv.trim()
                        + ", which is not set in the environment (it should hold the client secret)");
            }
            builder.oidcClientSecret(secret.trim());
        }
        Path lanesFile = builder.build().lanesFile();
        if (lanesFile != null) {
            builder.lanes(LanesFile.load(lanesFile, env));
        }
        return builder.build();
    }

    /** The value of {@code flag} (its environment variable, unless the flag is given too), or null. */
    private static String value(List<String> args, Map<String, String> env, String flag) {
        String found = env.get(find(flag).env());
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(flag) && i + 1 < args.size()) {
                found = args.get(i + 1);
            } else if (args.get(i).startsWith(flag + "=")) {
                found = args.get(i).substring(flag.length() + 1);
            }
        }
        return found == null || found.isBlank() ? null : found;
    }

    /** An absolute http(s) URL with a host, no query or fragment, without its trailing slash. */
    private static URI httpUrl(String flag, String value, boolean noPath) {
        URI uri;
        try {
            uri = new URI(value.trim().replaceFirst("/+$", ""));
        } catch (URISyntaxException e) {
            throw new ConfigException(flag + " must be a URL such as https://chat.example.com, not '" + value + "'");
        }
        boolean http = "https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme());
        if (!http
                || uri.getHost() == null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new ConfigException(flag + " must be an http(s) URL with a host and no query, such as"
                    + " https://chat.example.com, not '" + value + "'");
        }
        if (noPath && !uri.getRawPath().isEmpty()) {
            throw new ConfigException(
                    flag + " must be the server's root (the page is served at /), without a path: '" + value + "'");
        }
        return uri;
    }

    /** The text of {@code serve --help}. */
    public static String help() {
        List<String> lines = new ArrayList<>();
        lines.add("Usage: lanechat serve [options]");
        lines.add("");
        lines.add("Starts the Lanechat server. Each option can also be set by its environment variable.");
        lines.add("");
        for (Option option : OPTIONS) {
            lines.add(String.format("  %-20s %-26s %s", option.flag() + " V", option.env(), option.help()));
        }
        lines.add(String.format("  %-20s %-26s %s", "--help", "", "show this text"));
        return String.join(System.lineSeparator(), lines);
    }

    private static Option find(String flag) {
        return OPTIONS.stream()
                .filter(o -> o.flag().equals(flag))
                .findFirst()
                .orElseThrow(() -> new ConfigException("unknown option " + flag + "; see --help"));
    }

    private static AuthMode authMode(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "open" -> AuthMode.OPEN;
            case "token" -> AuthMode.TOKEN;
            default -> throw new ConfigException("--auth must be open or token, not '" + value + "'");
        };
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(o -> !o.isEmpty())
                .toList();
    }

    private static double dollars(String flag, String value) {
        double usd;
        try {
            usd = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(flag + " must be a number of US dollars, like 25 or 2.50, not '" + value + "'");
        }
        if (!Double.isFinite(usd) || usd < 0 || usd > 1_000_000_000) {
            throw new ConfigException(flag + " must be between 0 and 1000000000, not " + value);
        }
        return usd;
    }

    private static int integer(String flag, String value, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(flag + " must be a whole number, not '" + value + "'");
        }
        if (n < min || n > max) {
            throw new ConfigException(flag + " must be between " + min + " and " + max + ", not " + value);
        }
        return n;
    }
}
