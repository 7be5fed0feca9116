package dev.lanechat.server.auth.oidc;

import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who of the provider's users may use this server, and who is an admin, decided from the ID
 * token's claims alone (no second call to the provider).
 */
final class ClaimsPolicy {
    /** What the claims say about one person. */
    record Verdict(boolean allowed, boolean admin, String why) {}

    private final Set<String> allowedDomains;
    private final Set<String> allowedGroups;
    private final Set<String> adminGroups;
    private final String groupsClaim;

    ClaimsPolicy(OidcSettings settings) {
        this.allowedDomains = settings.allowedDomains().stream()
                .map(d -> d.trim().toLowerCase(Locale.ROOT).replaceFirst("^@", ""))
                .collect(Collectors.toUnmodifiableSet());
        this.allowedGroups = Set.copyOf(settings.allowedGroups());
        this.adminGroups = Set.copyOf(settings.adminGroups());
        this.groupsClaim = settings.groupsClaim();
    }

    /** Whether the admin role follows the provider (an admin group is configured). */
    boolean decidesAdmin() {
        return !adminGroups.isEmpty();
    }

    Verdict judge(IDTokenClaimsSet claims) {
        Set<String> groups = groups(claims);
        boolean admin = groups.stream().anyMatch(adminGroups::contains);
        if (groups.stream().anyMatch(allowedGroups::contains) || admin) {
            return new Verdict(true, admin, "group");
        }
        String domain = verifiedDomain(claims);
        if (domain != null && allowedDomains.contains(domain)) {
            return new Verdict(true, false, "domain");
        }
        return new Verdict(
                false,
                false,
                domain == null
                        ? "no verified email and no allowed group"
                        : "domain " + domain + " and no allowed group");
    }

    /**
     * The domain of the token's email, when the provider says it verified that address: an
     * unverified address is whatever the person typed, and no proof of belonging to a domain.
     */
    static String verifiedDomain(IDTokenClaimsSet claims) {
        String email = claims.getStringClaim("email");
        Boolean verified = claims.getBooleanClaim("email_verified");
        if (email == null || !Boolean.TRUE.equals(verified)) {
            return null;
        }
        int at = email.lastIndexOf('@');
        return at < 1 || at == email.length() - 1
                ? null
                : email.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** The groups claim as a list of strings (Keycloak, Authentik) or one string; nothing else counts. */
    private Set<String> groups(IDTokenClaimsSet claims) {
        Object value = claims.getClaim(groupsClaim);
        if (value instanceof String one) {
            return Set.of(one);
        }
        if (value instanceof Collection<?> many) {
            return many.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .collect(Collectors.toUnmodifiableSet());
        }
        return Set.of();
    }
}
