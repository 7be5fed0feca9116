package dev.lanechat.server.config;

import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.auth.oidc.OidcSettings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything the server is told at start, immutable. Built by {@link ConfigParser} from flags and
 * {@code LANECHAT_*} environment variables; nothing else in the server reads the environment.
 *
 * <p>Over 300 lines as one mechanism: the record of every setting and its {@link Builder}, which
 * holds each setting's default beside its setter. Splitting the builder into a file of its own
 * would only move that list away from the record it builds.
 *
 * @param db a database URL, or null for the embedded SQLite file {@code <dataDir>/lanechat.db}
 * @param webDir serve the web client from this folder instead of the bundle in the jar (development)
 * @param publicUrl the URL people reach the server at ({@code --public-url}, e.g. the reverse
 *     proxy's {@code https://chat.example.com}); null when not given
 * @param oidc single sign-on ({@code --oidc-*}), or null without it
 */
public record Config(
        String bind,
        int port,
        Path dataDir,
        String db,
        Path webDir,
        Duration demoDelay,
        int demoConcurrency,
        int maxContentBytes,
        int maxBodyBytes,
        Duration lease,
        int maxAttempts,
        Duration eventRetention,
        Duration pingInterval,
        Duration subscribeTimeout,
        AuthMode auth,
        List<String> allowedOrigins,
        int maxSockets,
        int sendBurst,
        int sendPerMinute,
        int socketFrameBurst,
        int socketFramesPerSecond,
        Path lanesFile,
        List<LaneSpec> lanes,
        Duration slowSocketLimit,
        List<String> allowedHosts,
        int maxSocketsPerUser,
        int maxPendingSockets,
        int maxPendingSocketsPerAddress,
        Duration pendingSubscribeTimeout,
        int conversationBurst,
        int conversationPerMinute,
        int loginBurst,
        int loginPerMinute,
        Duration bodyReadTimeout,
        int historyMessages,
        int historyBytes,
        URI publicUrl,
        OidcSettings oidc,
        int crashAfterCommits,
        Quota quota,
        int dbPool) {

    /**
     * Refuses what must not run: open mode (no credentials) on an address other machines can reach.
     */
    public void validate() {
        if (auth == AuthMode.OPEN && !loopback(bind)) {
            throw new ConfigException(
                    "--bind " + bind + " is reachable from other machines, and open mode lets anyone"
                            + " in without credentials: start with --auth token (and add users with 'lanechat users add NAME')");
        }
        if (oidc != null) {
            validateOidc();
        }
    }

    private void validateOidc() {
        if (auth != AuthMode.TOKEN) {
            throw new ConfigException("--oidc-issuer needs --auth token (single sign-on is for a server others reach)");
        }
        if (oidc.clientId() == null || oidc.clientId().isBlank()) {
            throw new ConfigException("--oidc-issuer needs --oidc-client-id (the client registered at the provider)");
        }
        if (publicUrl == null) {
            throw new ConfigException("--oidc-issuer needs --public-url, the address people open (behind a proxy, the"
                    + " proxy's): the provider sends them back to <public-url>" + OidcSettings.CALLBACK_PATH);
        }
        if (oidc.allowedDomains().isEmpty()
                && oidc.allowedGroups().isEmpty()
                && oidc.adminGroups().isEmpty()) {
            throw new ConfigException("--oidc-issuer needs --oidc-allowed-domains or --oidc-allowed-groups: without"
                    + " them every account of the provider could sign in");
        }
    }

    private static boolean loopback(String address) {
        try {
            for (InetAddress a : InetAddress.getAllByName(address)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new ConfigException("--bind " + address + " is not an address of this machine");
        }
    }

    /** The defaults of {@code ./lanechat serve} with no flags. */
    public static Config defaults() {
        return new Builder().build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Changes a few values of a config; tests and the parser use it. */
    public static final class Builder {
        private String bind = "127.0.0.1";
        private int port = 8080;
        private Path dataDir = Path.of("data");
        private String db;
        private Path webDir;
        private Duration demoDelay = Duration.ofMillis(300);
        private int demoConcurrency = 4;
        private int maxContentBytes = 32 * 1024;
        private int maxBodyBytes = 64 * 1024;
        private Duration lease = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration eventRetention = Duration.ofDays(30);
        private Duration pingInterval = Duration.ofSeconds(25);
        private Duration subscribeTimeout = Duration.ofSeconds(10);
        private AuthMode auth = AuthMode.OPEN;
        private List<String> allowedOrigins = List.of();
        private int maxSockets = 10_000;
        private int sendBurst = 120;
        private int sendPerMinute = 120;
        private int socketFrameBurst = 30;
        private int socketFramesPerSecond = 10;
        private Duration slowSocketLimit = Duration.ofSeconds(30);
        private Path lanesFile;
        private List<LaneSpec> lanes = List.of(LaneSpec.builtInDemo());
        private List<String> allowedHosts = List.of();
        private int maxSocketsPerUser = 32;
        private int maxPendingSockets = 256;
        private int maxPendingSocketsPerAddress = 16;
        private Duration pendingSubscribeTimeout = Duration.ofSeconds(5);
        private int conversationBurst = 30;
        private int conversationPerMinute = 30;
        private int loginBurst = 10;
        private int loginPerMinute = 10;
        private Duration bodyReadTimeout = Duration.ofSeconds(5);
        private int historyMessages = 100;
        private int historyBytes = 256 * 1024;
        private URI publicUrl;
        private OidcDraft oidc = new OidcDraft();

        /** The {@code --oidc-*} values as given; {@link #build} makes them {@link OidcSettings} when there is an issuer. */
        static final class OidcDraft {
            URI issuer;
            String clientId;
            String clientSecret;
            List<String> allowedDomains = List.of();
            List<String> allowedGroups = List.of();
            List<String> adminGroups = List.of();
            String groupsClaim = "groups";
            String providerName;

            OidcSettings settings(URI publicUrl) {
                if (issuer == null) {
                    return null;
                }
                URI redirect = publicUrl == null ? null : URI.create(publicUrl + OidcSettings.CALLBACK_PATH);
                return new OidcSettings(
                        issuer,
                        clientId,
                        clientSecret,
                        redirect,
                        allowedDomains,
                        allowedGroups,
                        adminGroups,
                        groupsClaim,
                        providerName != null ? providerName : issuer.getHost());
            }

            static OidcDraft of(OidcSettings s) {
                OidcDraft d = new OidcDraft();
                if (s != null) {
                    d.issuer = s.issuer();
                    d.clientId = s.clientId();
                    d.clientSecret = s.clientSecret();
                    d.allowedDomains = s.allowedDomains();
                    d.allowedGroups = s.allowedGroups();
                    d.adminGroups = s.adminGroups();
                    d.groupsClaim = s.groupsClaim();
                    d.providerName = s.providerName();
                }
                return d;
            }
        }
        /** For the crash test only (CommitCrashIT): 0, or halt right after the N-th SQLite commit. */
        private int crashAfterCommits;

        private Quota quota = Quota.NONE;
        /** PostgreSQL connections a node's pool holds besides the writer's own (the store's default). */
        private int dbPool = 16;

        Builder() {}

        Builder(Config c) {
            bind = c.bind;
            port = c.port;
            dataDir = c.dataDir;
            db = c.db;
            webDir = c.webDir;
            demoDelay = c.demoDelay;
            demoConcurrency = c.demoConcurrency;
            maxContentBytes = c.maxContentBytes;
            maxBodyBytes = c.maxBodyBytes;
            lease = c.lease;
            maxAttempts = c.maxAttempts;
            eventRetention = c.eventRetention;
            pingInterval = c.pingInterval;
            subscribeTimeout = c.subscribeTimeout;
            auth = c.auth;
            allowedOrigins = c.allowedOrigins;
            maxSockets = c.maxSockets;
            sendBurst = c.sendBurst;
            sendPerMinute = c.sendPerMinute;
            socketFrameBurst = c.socketFrameBurst;
            socketFramesPerSecond = c.socketFramesPerSecond;
            slowSocketLimit = c.slowSocketLimit;
            lanesFile = c.lanesFile;
            lanes = c.lanes;
            allowedHosts = c.allowedHosts;
            maxSocketsPerUser = c.maxSocketsPerUser;
            maxPendingSockets = c.maxPendingSockets;
            maxPendingSocketsPerAddress = c.maxPendingSocketsPerAddress;
            pendingSubscribeTimeout = c.pendingSubscribeTimeout;
            conversationBurst = c.conversationBurst;
            conversationPerMinute = c.conversationPerMinute;
            loginBurst = c.loginBurst;
            loginPerMinute = c.loginPerMinute;
            bodyReadTimeout = c.bodyReadTimeout;
            historyMessages = c.historyMessages;
            historyBytes = c.historyBytes;
            publicUrl = c.publicUrl;
            oidc = OidcDraft.of(c.oidc);
            crashAfterCommits = c.crashAfterCommits;
            quota = c.quota;
            dbPool = c.dbPool;
        }

        public Builder bind(String v) {
            bind = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder db(String v) {
            db = v;
            return this;
        }

        public Builder webDir(Path v) {
            webDir = v;
            return this;
        }

        public Builder demoDelay(Duration v) {
            demoDelay = v;
            return this;
        }

        public Builder demoConcurrency(int v) {
            demoConcurrency = v;
            return this;
        }

        public Builder lease(Duration v) {
            lease = v;
            return this;
        }

        public Builder maxAttempts(int v) {
            maxAttempts = v;
            return this;
        }

        public Builder eventRetention(Duration v) {
            eventRetention = v;
            return this;
        }

        public Builder pingInterval(Duration v) {
            pingInterval = v;
            return this;
        }

        public Builder subscribeTimeout(Duration v) {
            subscribeTimeout = v;
            return this;
        }

        public Builder auth(AuthMode v) {
            auth = v;
            return this;
        }

        public Builder allowedOrigins(List<String> v) {
            allowedOrigins = List.copyOf(v);
            return this;
        }

        public Builder maxSockets(int v) {
            maxSockets = v;
            return this;
        }
        /** The lanes file the lanes came from (for messages); set with {@link #lanes}. */
        public Builder lanesFile(Path v) {
            lanesFile = v;
            return this;
        }
        /** The lanes this server offers; the default is the demo lane alone. */
        public Builder lanes(List<LaneSpec> v) {
            lanes = List.copyOf(v);
            return this;
        }

        public Builder sendRate(int burst, int perMinute) {
            sendBurst = burst;
            sendPerMinute = perMinute;
            return this;
        }

        public Builder sendBurst(int v) {
            sendBurst = v;
            return this;
        }

        public Builder sendPerMinute(int v) {
            sendPerMinute = v;
            return this;
        }
        /** How long a socket's send window may stay full before it is closed with 1013. */
        public Builder slowSocketLimit(Duration v) {
            slowSocketLimit = v;
            return this;
        }

        public Builder socketFrameRate(int burst, int perSecond) {
            socketFrameBurst = burst;
            socketFramesPerSecond = perSecond;
            return this;
        }

        /** Host names (beyond the loopback ones) that open mode answers; see {@code --allowed-hosts}. */
        public Builder allowedHosts(List<String> v) {
            allowedHosts = List.copyOf(v);
            return this;
        }
        /** Sockets one authenticated user may hold open on this server at once. */
        public Builder maxSocketsPerUser(int v) {
            maxSocketsPerUser = v;
            return this;
        }
        /** Sockets that have not authenticated yet: at most {@code total} on the server, {@code perAddress} per client address. */
        public Builder maxPendingSockets(int total, int perAddress) {
            maxPendingSockets = total;
            maxPendingSocketsPerAddress = perAddress;
            return this;
        }
        /** How long a socket that showed no credentials at the upgrade has to subscribe with a token. */
        public Builder pendingSubscribeTimeout(Duration v) {
            pendingSubscribeTimeout = v;
            return this;
        }
        /** Creating and renaming conversations, per user: a burst, then so many a minute. */
        public Builder conversationRate(int burst, int perMinute) {
            conversationBurst = burst;
            conversationPerMinute = perMinute;
            return this;
        }

        public Builder conversationBurst(int v) {
            conversationBurst = v;
            return this;
        }

        public Builder conversationPerMinute(int v) {
            conversationPerMinute = v;
            return this;
        }
        /** Log-in attempts ({@code POST /api/session}) per client address: a burst, then so many a minute. */
        public Builder loginRate(int burst, int perMinute) {
            loginBurst = burst;
            loginPerMinute = perMinute;
            return this;
        }
        /** How long one read of a request body may wait for bytes before the connection is dropped. */
        public Builder bodyReadTimeout(Duration v) {
            bodyReadTimeout = v;
            return this;
        }
        /** The history given to a lane: at most so many of the newest messages, and so many bytes of UTF-8. */
        public Builder history(int messages, int bytes) {
            historyMessages = messages;
            historyBytes = bytes;
            return this;
        }

        public Builder historyMessages(int v) {
            historyMessages = v;
            return this;
        }

        public Builder historyBytes(int v) {
            historyBytes = v;
            return this;
        }
        /** The URL people reach the server at, without a trailing slash (see {@code --public-url}). */
        public Builder publicUrl(URI v) {
            publicUrl = v;
            return this;
        }

        public Builder oidcIssuer(URI v) {
            oidc.issuer = v;
            return this;
        }

        public Builder oidcClientId(String v) {
            oidc.clientId = v;
            return this;
        }
        /** The client secret itself (the parser reads it from the variable {@code --oidc-client-secret-env} names). */
        public Builder oidcClientSecret(String v) {
            oidc.clientSecret = v;
            return this;
        }

        public Builder oidcAllowedDomains(List<String> v) {
            oidc.allowedDomains = List.copyOf(v);
            return this;
        }

        public Builder oidcAllowedGroups(List<String> v) {
            oidc.allowedGroups = List.copyOf(v);
            return this;
        }

        public Builder oidcAdminGroups(List<String> v) {
            oidc.adminGroups = List.copyOf(v);
            return this;
        }

        public Builder oidcGroupsClaim(String v) {
            oidc.groupsClaim = v;
            return this;
        }

        public Builder oidcProviderName(String v) {
            oidc.providerName = v;
            return this;
        }

        public Builder dbPool(int v) {
            dbPool = v;
            return this;
        }

        public Builder crashAfterCommits(int v) {
            crashAfterCommits = v;
            return this;
        }
        /** The quota of every user without one of its own (issue 20); {@link Quota#NONE} by default. */
        public Builder quota(Quota v) {
            quota = v;
            return this;
        }

        public Builder quotaMessagesPerDay(long v) {
            quota = new Quota(v, quota.usdPerMonth());
            return this;
        }

        public Builder quotaUsdPerMonth(double v) {
            quota = new Quota(quota.messagesPerDay(), v);
            return this;
        }

        public Config build() {
            return new Config(
                    bind,
                    port,
                    dataDir,
                    db,
                    webDir,
                    demoDelay,
                    demoConcurrency,
                    maxContentBytes,
                    maxBodyBytes,
                    lease,
                    maxAttempts,
                    eventRetention,
                    pingInterval,
                    subscribeTimeout,
                    auth,
                    allowedOrigins,
                    maxSockets,
                    sendBurst,
                    sendPerMinute,
                    socketFrameBurst,
                    socketFramesPerSecond,
                    lanesFile,
                    lanes,
                    slowSocketLimit,
                    allowedHosts,
                    maxSocketsPerUser,
                    maxPendingSockets,
                    maxPendingSocketsPerAddress,
                    pendingSubscribeTimeout,
                    conversationBurst,
                    conversationPerMinute,
                    loginBurst,
                    loginPerMinute,
                    bodyReadTimeout,
                    historyMessages,
                    historyBytes,
                    publicUrl,
                    oidc.settings(publicUrl),
                    crashAfterCommits,
                    quota,
                    dbPool);
        }
    }
}
