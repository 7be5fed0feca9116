package dev.lanechat.server.auth.oidc;

import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.auth.User;
import dev.lanechat.server.auth.Users;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single sign-on through an OIDC provider, the authorization code flow with PKCE, in two steps
 * that know nothing of HTTP: {@link #begin} makes a flow (state, nonce, verifier, stored) and says
 * where to send the browser; {@link #finish} takes the browser's flow back, checks the state,
 * redeems the code, validates the ID token, applies the access rules and gives the user (made at
 * its first sign-in) for whom the caller then starts the same session as a token sign-in.
 * Every refusal is a {@link Rejection} and leaves no session and no user behind.
 */
public final class OidcSignIn {
    private static final Logger log = LoggerFactory.getLogger(OidcSignIn.class);

    /** Where to send the browser, and the value of the flow cookie it must bring back. */
    public record Begun(URI authorizationUri, String flowCookie) {}

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final PendingLogins pending;
    private final OidcIdentities identities;
    private final ClaimsPolicy policy;
    private final Users users;

    public OidcSignIn(OidcSettings settings, Jdbi jdbi, Users users, Clock clock) {
        this.settings = settings;
        this.provider = new OidcProvider(settings);
        this.pending = new PendingLogins(jdbi, clock);
        this.identities = new OidcIdentities(jdbi, clock);
        this.policy = new ClaimsPolicy(settings);
        this.users = users;
    }

    /** What the sign-in page shows: "Sign in with …". */
    public String providerName() {
        return settings.providerName();
    }

    /** The lifetime of the flow cookie, in seconds. */
    public static long flowSeconds() {
        return PendingLogins.LIFETIME.toSeconds();
    }

    public Begun begin() {
        State state = new State();
        Nonce nonce = new Nonce();
        CodeVerifier verifier = new CodeVerifier();
        URI uri = provider.authorizationUri(state, nonce, verifier); // discovery first: no row if it fails
        String cookie =
                pending.begin(new PendingLogins.Pending(state.getValue(), nonce.getValue(), verifier.getValue()));
        return new Begun(uri, cookie);
    }

    /**
     * The provider's answer at the callback: {@code code} and {@code state}, or {@code error}.
     *
     * @param flowCookie the cookie {@link #begin} gave this browser (null when it has none)
     */
    public User finish(String flowCookie, String code, String state, String error) {
        PendingLogins.Pending flow = pending.take(flowCookie).orElseThrow(() -> {
            log.info("OIDC sign-in refused: no sign-in under way in this browser (used, expired or never begun)");
            return Rejection.invalid(
                    "This sign-in has expired or was already used; start again from the sign-in page.");
        });
        if (state == null || !constantTimeEquals(state, flow.state())) {
            log.info("OIDC sign-in refused: the state does not match this browser's sign-in");
            return reject(Rejection.invalid("This sign-in does not match the one this browser began; start again."));
        }
        if (error != null) {
            log.info("OIDC sign-in ended by the provider: {}", error.length() > 40 ? error.substring(0, 40) : error);
            return reject(new Rejection(
                    Rejection.Reason.UNAUTHENTICATED,
                    "The sign-in provider did not sign you in; try again or ask your admin."));
        }
        if (code == null || code.isBlank()) {
            return reject(Rejection.invalid("The sign-in provider sent no code; start again from the sign-in page."));
        }
        IDTokenClaimsSet claims = provider.redeem(code, new CodeVerifier(flow.codeVerifier()), new Nonce(flow.nonce()));
        ClaimsPolicy.Verdict verdict = policy.judge(claims);
        if (!verdict.allowed()) {
            log.info("OIDC sign-in refused for subject {}: {}", shortSubject(claims), verdict.why());
            return reject(Rejection.forbidden("Your account at " + settings.providerName()
                    + " is not allowed on this server; ask your admin to let your domain or group in."));
        }
        String email = claims.getStringClaim("email");
        OidcIdentities.Resolved who = identities.resolve(
                claims.getIssuer().getValue(), claims.getSubject().getValue(), email);
        if (who.revoked()) {
            log.info("OIDC sign-in refused for user {}: revoked", who.user().name());
            return reject(Rejection.forbidden("Your account on this server was revoked; ask your admin."));
        }
        if (policy.decidesAdmin()) {
            users.setRole(who.user().id(), verdict.admin() ? "admin" : "user");
        }
        log.info(
                "OIDC sign-in of user {} ({}{}, by {})",
                who.user().name(),
                who.created() ? "new" : "known",
                verdict.admin() ? ", admin" : "",
                verdict.why());
        return who.user();
    }

    private static User reject(Rejection rejection) {
        throw rejection;
    }

    /** A subject is an id, not a secret, but it may be an email: a prefix identifies it in a log. */
    private static String shortSubject(IDTokenClaimsSet claims) {
        String subject = claims.getSubject().getValue();
        return subject.length() > 8 ? subject.substring(0, 8) + "…" : subject;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
