package dev.lanechat.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanechat.server.auth.oidc.OidcSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The single sign-on flags: what they make, and what refuses to start (and says why). */
class OidcConfigTest {
    static final List<String> KEYCLOAK = List.of(
            "--auth",
            "token",
            "--public-url",
            "https://chat.example.com/",
            "--oidc-issuer",
            "https://sso.example.com/realms/team",
            "--oidc-client-id",
            "lanechat",
            "--oidc-client-secret-env",
            "LANECHAT_OIDC_SECRET",
            "--oidc-allowed-domains",
            "example.com, @Example.org",
            "--oidc-admin-groups",
            "lanechat-admins");

    static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void theFlagsMakeTheSettingsAndTheSecretComesFromTheNamedVariable() {
        Config config = ConfigParser.parse(KEYCLOAK, Map.of("LANECHAT_OIDC_SECRET", "s3cr3t-value"));
        config.validate();
        OidcSettings oidc = config.oidc();
        assertThat(config.publicUrl()).isEqualTo(URI.create("https://chat.example.com"));
        assertThat(oidc.issuer()).isEqualTo(URI.create("https://sso.example.com/realms/team"));
        assertThat(oidc.redirectUri()).isEqualTo(URI.create("https://chat.example.com/api/auth/oidc/callback"));
        assertThat(oidc.clientId()).isEqualTo("lanechat");
        assertThat(oidc.clientSecret()).isEqualTo("s3cr3t-value");
        assertThat(oidc.allowedDomains()).containsExactly("example.com", "@Example.org");
        assertThat(oidc.adminGroups()).containsExactly("lanechat-admins");
        assertThat(oidc.groupsClaim()).isEqualTo("groups");
        assertThat(oidc.providerName()).isEqualTo("sso.example.com");
        assertThat(config.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void theEnvironmentGivesEveryFlagToo() {
        Config config = ConfigParser.parse(
                List.of("--auth", "token"),
                Map.of(
                        "LANECHAT_PUBLIC_URL",
                        "http://10.0.0.5:8080",
                        "LANECHAT_OIDC_ISSUER",
                        "http://localhost:8081/realms/x",
                        "LANECHAT_OIDC_CLIENT_ID",
                        "lc",
                        "LANECHAT_OIDC_ALLOWED_GROUPS",
                        "staff",
                        "LANECHAT_OIDC_GROUPS_CLAIM",
                        "roles",
                        "LANECHAT_OIDC_PROVIDER_NAME",
                        "Keycloak"));
        config.validate();
        assertThat(config.oidc().clientSecret()).as("a public client").isNull();
        assertThat(config.oidc().allowedGroups()).containsExactly("staff");
        assertThat(config.oidc().groupsClaim()).isEqualTo("roles");
        assertThat(config.oidc().providerName()).isEqualTo("Keycloak");
    }

    @Test
    void aSecretVariableThatIsNotSetIsAnError() {
        assertThatThrownBy(() -> ConfigParser.parse(KEYCLOAK, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("LANECHAT_OIDC_SECRET")
                .hasMessageContaining("not set");
    }

    @Test
    void withoutTheRequiredRestTheServerRefusesToStart() {
        Map<String, String> env = Map.of("S", "x");
        List<String> base =
                List.of("--oidc-issuer", "https://sso.example.com/realms/team", "--oidc-client-secret-env", "S");
        assertThatThrownBy(() -> ConfigParser.parse(
                                with(
                                        base,
                                        "--oidc-client-id",
                                        "c",
                                        "--public-url",
                                        "https://c.example.com",
                                        "--oidc-allowed-domains",
                                        "example.com"),
                                env)
                        .validate())
                .hasMessageContaining("--auth token");
        List<String> token = with(base, "--auth", "token");
        assertThatThrownBy(() -> ConfigParser.parse(
                                with(
                                        token,
                                        "--public-url",
                                        "https://c.example.com",
                                        "--oidc-allowed-domains",
                                        "example.com"),
                                env)
                        .validate())
                .hasMessageContaining("--oidc-client-id");
        assertThatThrownBy(() -> ConfigParser.parse(
                                with(token, "--oidc-client-id", "c", "--oidc-allowed-domains", "example.com"), env)
                        .validate())
                .hasMessageContaining("--public-url");
        assertThatThrownBy(() -> ConfigParser.parse(
                                with(token, "--oidc-client-id", "c", "--public-url", "https://c.example.com"), env)
                        .validate())
                .hasMessageContaining("every account");
    }

    @Test
    void badUrlsAreRefusedWithTheFlagsName() {
        for (String bad : List.of(
                "chat.example.com",
                "ftp://chat.example.com",
                "https://chat.example.com/lanechat",
                "https://chat.example.com/?x=1",
                "https://user@chat.example.com")) {
            assertThatThrownBy(() -> ConfigParser.parse(List.of("--public-url", bad), Map.of()))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("--public-url");
        }
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--oidc-issuer", "not a url"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--oidc-issuer");
    }
}
