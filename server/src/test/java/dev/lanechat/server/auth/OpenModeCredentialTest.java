package dev.lanechat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Open mode's callers are all the one local user, so all of them share one {@link Credential}
 * (issue 16: every idle socket kept its own, 24 B each); token mode's stay per token.
 */
class OpenModeCredentialTest {
    private final User local = new User("0b1c6a10-0000-4000-8000-000000000001", Users.LOCAL_USER_NAME);

    @Test
    void everyOpenModeCallerGetsTheSameLocalCredential() {
        Authenticator open = new Authenticator(AuthMode.OPEN, null, null, local);
        Credential first = open.credentialOf(local, null, null);
        assertThat(first.kind()).isEqualTo(Credential.Kind.LOCAL);
        assertThat(first.userId()).isEqualTo(local.id());
        assertThat(open.credentialOf(local, null, null)).isSameAs(first);
        assertThat(open.credentialOf(local, "lc_ignored", null)).isSameAs(first);
    }

    @Test
    void tokenModeCredentialsKeepTheirTokensHash() {
        Authenticator token = new Authenticator(AuthMode.TOKEN, null, null, null);
        Credential a = token.credentialOf(local, "lc_one", null);
        assertThat(a.kind()).isEqualTo(Credential.Kind.TOKEN);
        assertThat(a.hash()).isEqualTo(Secrets.hash("lc_one"));
        assertThat(token.credentialOf(local, "lc_two", null).hash()).isNotEqualTo(a.hash());
    }
}
