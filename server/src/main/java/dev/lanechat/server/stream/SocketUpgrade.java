package dev.lanechat.server.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.auth.Authenticator;
import dev.lanechat.server.auth.Credential;
import dev.lanechat.server.auth.HostPolicy;
import dev.lanechat.server.auth.OriginPolicy;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.store.StoreErrors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upgrade request of {@code /ws}: it checks the Host and the Origin and reads the credentials,
 * and makes the socket's {@link Subscription}; nothing of the request is kept after it.
 */
final class SocketUpgrade implements WebSocketNegotiator {
    private static final Logger log = LoggerFactory.getLogger(SocketUpgrade.class);

    private final Authenticator authenticator;
    private final OriginPolicy origins;
    private final HostPolicy hosts;
    private final boolean openMode;
    private final ObjectMapper json;
    private final Subscription.Context context;

    SocketUpgrade(Authenticator authenticator, Config config, ObjectMapper json, Subscription.Context context) {
        this.authenticator = authenticator;
        this.origins = new OriginPolicy(config.allowedOrigins());
        this.hosts = new HostPolicy(config.allowedHosts());
        this.openMode = config.auth() == AuthMode.OPEN;
        this.json = json;
        this.context = context;
    }

    /**
     * A foreign Host (open mode) gets 403 before any upgrade; otherwise the
     * socket opens, and a foreign Origin is closed at once with {@code forbidden_origin}. Only the
     * credential is kept from the request. When the store cannot say whose a token is (its pool
     * exhausted, PostgreSQL restarting), the upgrade gets 503 {@code unavailable} with
     * {@code Retry-After: 1}, as the HTTP API does, and one log line without the statement (Jetty's
     * own answer would be a 500 logged with the statement and the token's hash).
     */
    @Override
    public Subscription negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        HttpFields headers = request.getHeaders();
        if (openMode && !hosts.allows(headers.get(HttpHeader.HOST))) {
            forbidden(response, callback);
            return null;
        }
        if (!origins.allows(headers.get(HttpHeader.ORIGIN), headers.get(HttpHeader.HOST))) {
            return new Subscription(null, CloseCodes.FORBIDDEN_ORIGIN, context);
        }
        String bearer = Authenticator.bearerToken(headers.get(HttpHeader.AUTHORIZATION));
        String cookie = null;
        for (HttpCookie c : Request.getCookies(request)) {
            if (Authenticator.COOKIE.equals(c.getName())) {
                cookie = c.getValue();
            }
        }
        Credential credential;
        try {
            credential = authenticator.identify(bearer, cookie).orElse(null);
        } catch (RuntimeException e) {
            if (!StoreErrors.isUnreachable(e)) {
                throw e;
            }
            log.warn("Socket upgrade refused, store unreachable: {}", StoreErrors.describe(e));
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
            refuse(
                    response,
                    callback,
                    Rejection.Reason.UNAVAILABLE,
                    "The store cannot be reached right now; try again in a moment.");
            return null;
        }
        return new Subscription(credential, null, context);
    }

    private void forbidden(ServerUpgradeResponse response, Callback callback) {
        refuse(
                response,
                callback,
                Rejection.Reason.FORBIDDEN,
                "In open mode this server answers only its loopback names (127.0.0.1,"
                        + " localhost, [::1]); add this name with --allowed-hosts, or run with --auth token.");
    }

    /** Answers the upgrade request with the API's error body instead of a socket. */
    private void refuse(ServerUpgradeResponse response, Callback callback, Rejection.Reason reason, String message) {
        String body;
        try {
            body = json.writeValueAsString(Map.of("error", Map.of("code", reason.code(), "message", message)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        response.setStatus(reason.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
