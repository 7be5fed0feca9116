package dev.lanechat.server.auth.oidc;

import java.net.URI;
import java.util.List;

/**
 * What the operator told the server about its OIDC provider ({@code --oidc-*} flags; see the
 * README's "Single sign-on"). Who may sign in: a verified email address in one of
 * {@code allowedDomains}, or one of {@code allowedGroups} in the {@code groupsClaim} of the ID
 * token (either is enough); {@code adminGroups} in that claim make the user an admin.
 *
 * @param clientSecret null for a public client (PKCE alone)
 * @param redirectUri where the provider sends the browser back: {@code --public-url} +
 *     {@code /api/auth/oidc/callback}, never guessed from a request's Host (behind a proxy it
 *     would be wrong, and a forged Host would pick it)
 */
public record OidcSettings(
        URI issuer,
        String clientId,
        String clientSecret,
        URI redirectUri,
        List<String> allowedDomains,
        List<String> allowedGroups,
        List<String> adminGroups,
        String groupsClaim,
        String providerName) {

    public static final String CALLBACK_PATH = "/api/auth/oidc/callback";

    public OidcSettings {
        allowedDomains = List.copyOf(allowedDomains);
        allowedGroups = List.copyOf(allowedGroups);
        adminGroups = List.copyOf(adminGroups);
    }

    /** Never shows the client secret (a config may be logged or printed by a test). */
    @Override
    public String toString() {
        return "OidcSettings[issuer=" + issuer + ", clientId=" + clientId + ", secret="
                + (clientSecret == null ? "none" : "set") + ", redirectUri=" + redirectUri + "]";
    }
}
