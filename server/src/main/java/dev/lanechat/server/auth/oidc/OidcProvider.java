package dev.lanechat.server.auth.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.lanechat.server.Rejection;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's side of one OIDC provider, all through Nimbus oauth2-oidc-sdk: discovery from the
 * issuer URL, the authorization request (code flow, PKCE S256, state, nonce), the code exchange at
 * the token endpoint, and the ID token's validation (signature against the provider's published
 * keys, issuer, audience, expiry, nonce). Discovery happens at the first sign-in and is kept once it
 * worked, so a provider that is down at start does not stop the server.
 */
final class OidcProvider {
    private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    /** Asymmetric signatures only: an HMAC ID token would be signed with our own client secret. */
    private static final Set<JWSAlgorithm> ACCEPTED = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512,
            JWSAlgorithm.EdDSA);

    static final Scope SCOPE = new Scope("openid", "email", "profile");

    private final OidcSettings settings;
    private final AtomicReference<Discovered> discovered = new AtomicReference<>();

    /** The provider's metadata and the validator built from it. */
    private record Discovered(OIDCProviderMetadata metadata, IDTokenValidator validator) {}

    OidcProvider(OidcSettings settings) {
        this.settings = settings;
    }

    /** The URL to send the browser to, for a flow with these secrets. */
    URI authorizationUri(State state, Nonce nonce, CodeVerifier verifier) {
        return new AuthenticationRequest.Builder(
                        ResponseType.CODE, SCOPE, new ClientID(settings.clientId()), settings.redirectUri())
                .endpointURI(discovered().metadata().getAuthorizationEndpointURI())
                .state(state)
                .nonce(nonce)
                .codeChallenge(verifier, CodeChallengeMethod.S256)
                .build()
                .toURI();
    }

    /**
     * Trades the code for tokens and returns the ID token's claims once they are valid for this
     * client and this flow's nonce. Refuses (401) whatever is not; the reason is logged, never the
     * code or a token.
     */
    IDTokenClaimsSet redeem(String code, CodeVerifier verifier, Nonce nonce) {
        Discovered d = discovered();
        TokenRequest request = tokenRequest(
                d.metadata(),
                new AuthorizationCodeGrant(new AuthorizationCode(code), settings.redirectUri(), verifier));
        OIDCTokens tokens = exchange(request);
        try {
            return d.validator().validate(tokens.getIDToken(), nonce);
        } catch (BadJOSEException | JOSEException e) {
            // Nimbus says which check failed ("Expired JWT", "Unexpected JWT issuer: …"); never the token.
            log.info("OIDC sign-in refused: the ID token is not valid ({})", brief(e.getMessage()));
            throw refused();
        }
    }

    private OIDCTokens exchange(TokenRequest request) {
        TokenResponse response;
        try {
            HTTPRequest http = request.toHTTPRequest();
            http.setConnectTimeout(CONNECT_TIMEOUT_MS);
            http.setReadTimeout(READ_TIMEOUT_MS);
            response = OIDCTokenResponseParser.parse(http.send());
        } catch (IOException e) {
            log.warn("OIDC token endpoint unreachable: {}", e.getClass().getSimpleName());
            throw unavailable();
        } catch (ParseException e) {
            log.info("OIDC sign-in refused: the token endpoint's answer is no token response");
            throw refused();
        }
        if (!response.indicatesSuccess()) {
            // The provider's error code (invalid_grant for a used or foreign code) is no secret.
            log.info(
                    "OIDC sign-in refused by the token endpoint: {}",
                    response.toErrorResponse().getErrorObject().getCode());
            throw refused();
        }
        OIDCTokens tokens = response.toSuccessResponse().getTokens() instanceof OIDCTokens t ? t : null;
        if (tokens == null || tokens.getIDToken() == null) {
            log.info("OIDC sign-in refused: the token endpoint gave no ID token");
            throw refused();
        }
        return tokens;
    }

    /** A confidential client (Keycloak's default) by the method the provider offers; a public one by its id alone. */
    private TokenRequest tokenRequest(OIDCProviderMetadata metadata, AuthorizationCodeGrant grant) {
        URI endpoint = metadata.getTokenEndpointURI();
        ClientID id = new ClientID(settings.clientId());
        if (settings.clientSecret() == null) {
            return new TokenRequest(endpoint, id, grant);
        }
        List<ClientAuthenticationMethod> supported = metadata.getTokenEndpointAuthMethods();
        boolean postOnly = supported != null
                && !supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                && supported.contains(ClientAuthenticationMethod.CLIENT_SECRET_POST);
        Secret secret = new Secret(settings.clientSecret());
        return new TokenRequest(
                endpoint, postOnly ? new ClientSecretPost(id, secret) : new ClientSecretBasic(id, secret), grant);
    }

    /** The provider's metadata, fetched from {@code <issuer>/.well-known/openid-configuration} once. */
    private Discovered discovered() {
        Discovered d = discovered.get();
        if (d != null) {
            return d;
        }
        OIDCProviderMetadata metadata;
        try {
            metadata = OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS);
        } catch (IOException | GeneralException e) {
            log.warn(
                    "OIDC discovery at {} failed: {}",
                    settings.issuer(),
                    e.getClass().getSimpleName());
            throw unavailable();
        }
        Set<JWSAlgorithm> algorithms = metadata.getIDTokenJWSAlgs() == null
                ? Set.of(JWSAlgorithm.RS256)
                : metadata.getIDTokenJWSAlgs().stream()
                        .filter(ACCEPTED::contains)
                        .collect(Collectors.toSet());
        if (algorithms.isEmpty()) {
            log.warn("OIDC provider {} signs ID tokens with none of {}", settings.issuer(), ACCEPTED);
            throw unavailable();
        }
        JWKSource<SecurityContext> keys;
        try {
            keys = JWKSourceBuilder.create(
                            metadata.getJWKSetURI().toURL(),
                            new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS))
                    .build();
        } catch (java.net.MalformedURLException e) {
            log.warn("OIDC provider {} publishes no usable jwks_uri", settings.issuer());
            throw unavailable();
        }
        IDTokenValidator validator = new IDTokenValidator(
                metadata.getIssuer(),
                new ClientID(settings.clientId()),
                new JWSVerificationKeySelector<>(algorithms, keys),
                null);
        validator.setMaxClockSkew(60);
        Discovered fresh = new Discovered(metadata, validator);
        discovered.compareAndSet(null, fresh);
        log.info("OIDC provider {} discovered", settings.issuer());
        return discovered.get();
    }

    private static String brief(String message) {
        String m = message == null ? "no reason given" : message.replaceAll("[\\r\\n]", " ");
        if (m.contains("nonce")) {
            return "Unexpected JWT nonce"; // not the value: it was this flow's secret
        }
        return m.length() > 160 ? m.substring(0, 160) + "…" : m;
    }

    static Rejection refused() {
        return new Rejection(
                Rejection.Reason.UNAUTHENTICATED,
                "The sign-in could not be verified; start again from the sign-in page.");
    }

    private static Rejection unavailable() {
        return new Rejection(
                Rejection.Reason.UNAVAILABLE,
                "The sign-in provider cannot be reached right now; try again in a moment.");
    }
}
