package dev.lanechat.server.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

/**
 * A real OIDC provider in-process (navikt's mock-oauth2-server: discovery, authorize with PKCE,
 * token endpoint, JWKS, a login page), for the issuer {@code <base>/default}. Tests shape the next
 * ID token it issues ({@link #nextToken}), or make its token endpoint answer once with an ID token
 * of their own ({@link #answerOnceWith}): one signed by a key that is not the provider's, or one
 * the provider issued for another sign-in.
 */
public final class OidcProviderStandIn implements AutoCloseable {
    public static final String ISSUER_ID = "default";

    private final MockOAuth2Server server;
    private final AtomicReference<String> override = new AtomicReference<>();

    private OidcProviderStandIn(boolean interactiveLogin) {
        Route tokenOverride = new TokenOverride(override);
        server = new MockOAuth2Server(new OAuth2Config(interactiveLogin), tokenOverride);
    }

    /** Starts the provider on a free port; with {@code interactiveLogin} the authorize step shows its login page. */
    public static OidcProviderStandIn start(boolean interactiveLogin) {
        OidcProviderStandIn p = new OidcProviderStandIn(interactiveLogin);
        p.server.start(0);
        return p;
    }

    public URI issuer() {
        return server.issuerUrl(ISSUER_ID).uri();
    }

    /** The next ID token the provider issues (for this issuer) has this subject, these claims and lifetime. */
    public void nextToken(String subject, Map<String, Object> claims, long expirySeconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(
                ISSUER_ID, subject, JOSEObjectType.JWT.getType(), List.of(), claims, expirySeconds));
    }

    /** A token the provider itself signs, for {@code audience}, as a sign-in of another flow would have had. */
    public String issued(String audience, String subject, Map<String, Object> claims) {
        return server.issueToken(
                        ISSUER_ID,
                        audience,
                        new DefaultOAuth2TokenCallback(
                                ISSUER_ID, subject, JOSEObjectType.JWT.getType(), List.of(audience), claims, 3600))
                .serialize();
    }

    /**
     * An ID token that claims all the right things (issuer, audience, nonce, a fresh expiry) but is
     * signed by a key of our own under the provider's key id: what a forger without the
     * provider's private key can make.
     */
    public String forged(String audience, String subject, Map<String, Object> claims) {
        try {
            JWKSet published = JWKSet.load(server.jwksUrl(ISSUER_ID).url());
            String kid = published.getKeys().get(0).getKeyID();
            RSAKey ours = new RSAKeyGenerator(2048).keyID(kid).generate();
            JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                    .issuer(issuer().toString())
                    .audience(audience)
                    .subject(subject)
                    .issueTime(new Date())
                    .expirationTime(Date.from(Instant.now().plusSeconds(3600)));
            claims.forEach(b::claim);
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), b.build());
            jwt.sign(new RSASSASigner(ours));
            return jwt.serialize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The token endpoint's next answer is a success carrying this ID token (whatever code it is given). */
    public void answerOnceWith(String idToken) {
        override.set(idToken);
    }

    @Override
    public void close() {
        server.shutdown();
    }

    /** The route in front of the provider's token endpoint that answers with a test's ID token once. */
    private record TokenOverride(AtomicReference<String> override)
            implements Route, Function1<OAuth2HttpRequest, OAuth2HttpResponse> {
        @Override
        public boolean match(OAuth2HttpRequest request) {
            return override.get() != null && request.getUrl().encodedPath().endsWith("/" + ISSUER_ID + "/token");
        }

        @Override
        public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
            String idToken = override.getAndSet(null);
            String body = "{\"token_type\":\"Bearer\",\"access_token\":\"not-a-real-access-token\",\"expires_in\":3600,"
                    + "\"id_token\":\"" + idToken + "\"}";
            return new OAuth2HttpResponse(
                    Headers.of("Content-Type", "application/json;charset=UTF-8"), 200, body, null);
        }
    }
}
