package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.LogCapture;
import dev.lanechat.server.support.OidcProviderStandIn;
import dev.lanechat.server.support.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single sign-on against a real OIDC provider in-process ({@link OidcProviderStandIn}), over real
 * HTTP, the browser's part played step by step: {@code /api/auth/oidc/start}, the provider's
 * authorize endpoint, the callback. Each way a sign-in can be wrong (the ID token's signature,
 * issuer, audience, expiry, nonce; the flow's state, cookie and code) is refused with the
 * contract's 4xx, no session cookie and no user made.
 */
class OidcTest {
    static final String CLIENT_ID = "lanechat-test";
    static final String PUBLIC_URL = "https://chat.lanechat.test";

    @TempDir
    static Path dataDir;

    static OidcProviderStandIn provider;
    static TestServer server;
    static String bobToken;
    static final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() {
        bobToken = TokenUsers.add(dataDir, "bob");
        provider = OidcProviderStandIn.start(false);
        server = TestServer.start(
                dataDir,
                b -> b.auth(AuthMode.TOKEN)
                        .loginRate(100_000, 100_000)
                        .publicUrl(URI.create(PUBLIC_URL))
                        .oidcIssuer(provider.issuer())
                        .oidcClientId(CLIENT_ID)
                        .oidcClientSecret("test-secret")
                        .oidcAllowedDomains(List.of("example.com"))
                        .oidcAllowedGroups(List.of("lanechat-users"))
                        .oidcAdminGroups(List.of("lanechat-admins"))
                        .oidcProviderName("Test IdP"));
    }

    @AfterAll
    static void stop() {
        server.close();
        provider.close();
    }

    /** One sign-in under way: the flow cookie the server set, and what it sent to the provider. */
    record Flow(String cookie, URI authorize, Map<String, String> query) {
        String state() {
            return query.get("state");
        }

        String nonce() {
            return query.get("nonce");
        }
    }

    static Flow begin() {
        Http.Response r = server.http().get("/api/auth/oidc/start");
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        String setCookie = r.header("Set-Cookie");
        assertThat(setCookie).startsWith("lanechat_oidc=").contains("HttpOnly", "SameSite=Lax", "Path=/api/auth/oidc");
        URI authorize = URI.create(r.header("Location"));
        return new Flow(setCookie.split(";", 2)[0], authorize, query(authorize));
    }

    /** The provider's authorize step (no login page in this provider): the code it sends the browser back with. */
    static String authorize(Flow flow) {
        HttpResponse<String> r = get(flow.authorize(), null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        URI back = URI.create(r.headers().firstValue("Location").orElseThrow());
        assertThat(back.toString()).startsWith(PUBLIC_URL + "/api/auth/oidc/callback?");
        Map<String, String> q = query(back);
        assertThat(q.get("state")).isEqualTo(flow.state());
        return q.get("code");
    }

    static Http.Response callback(String cookie, String code, String state) {
        String path = "/api/auth/oidc/callback?code=" + enc(code) + "&state=" + enc(state);
        return cookie == null
                ? server.http().get(path)
                : server.http().request("GET", path, null, null, "Cookie", cookie);
    }

    /**
     * A whole sign-in whose ID token has these claims. The provider's token callbacks wait in a
     * queue for its next token request: a test enqueues one only where the server will make it.
     */
    static Http.Response completeSignIn(String subject, Map<String, Object> claims) {
        Flow flow = begin();
        String code = authorize(flow);
        provider.nextToken(subject, claims, 3600);
        return callback(flow.cookie(), code, flow.state());
    }

    static String sessionCookie(Http.Response r) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("lanechat_session="))
                .filter(c -> !c.startsWith("lanechat_session=;"))
                .map(c -> c.split(";", 2)[0])
                .findFirst()
                .orElse(null);
    }

    static Map<String, Object> verified(String email) {
        return Map.of("email", email, "email_verified", true);
    }

    @Test
    void aFirstSignInMakesTheUserAndASessionLaterOnesFindIt() {
        int before = userCount();
        Http.Response r = completeSignIn("sub-alice", verified("alice@example.com"));
        assertThat(r.status()).as(r.body()).isEqualTo(302);
        assertThat(r.header("Location")).isEqualTo("/");
        String cookie = sessionCookie(r);
        assertThat(cookie).isNotNull();
        assertThat(r.headers().allValues("Set-Cookie"))
                .anyMatch(c ->
                        c.startsWith("lanechat_session=") && c.contains("HttpOnly") && c.contains("SameSite=Strict"))
                .anyMatch(c -> c.startsWith("lanechat_oidc=;") && c.contains("Max-Age=0"));
        assertThat(userCount()).isEqualTo(before + 1);

        Http alice = server.http().withHeaders("Cookie", cookie);
        assertThat(alice.get("/api/session").json().path("user").asText()).isEqualTo("alice@example.com");
        String conversation = alice.createConversation().path("id").asText();
        JsonNode done = alice.awaitTaskEnd(alice.send(
                        conversation,
                        "hello from sso",
                        "Origin",
                        "http://" + server.uri().getAuthority())
                .path("task_id")
                .asText());
        assertThat(done.path("status").asText()).isEqualTo("completed");

        Http.Response again = completeSignIn("sub-alice", verified("alice@example.com"));
        assertThat(again.status()).as(again.body()).isEqualTo(302);
        assertThat(userCount()).as("the second sign-in finds the same user").isEqualTo(before + 1);
        Http aliceAgain = server.http().withHeaders("Cookie", sessionCookie(again));
        assertThat(aliceAgain.get("/api/conversations/" + conversation).status())
                .isEqualTo(200);

        Http.Response out = alice.delete("/api/session");
        assertThat(out.status()).isEqualTo(204);
        Http.assertError(alice.get("/api/session"), 401, "unauthenticated");
        assertThat(aliceAgain.get("/api/session").status())
                .as("the other session lives on")
                .isEqualTo(200);
    }

    @Test
    void apiTokensStillWorkBesideSingleSignOn() {
        assertThat(server.http().withBearer(bobToken).get("/api/conversations").status())
                .isEqualTo(200);
        Http.Response logIn = server.http().post("/api/session", Map.of("token", bobToken));
        assertThat(logIn.status()).as(logIn.body()).isEqualTo(200);
    }

    @Test
    void healthNamesTheProviderForTheSignInPage() {
        JsonNode oidc = server.http().get("/api/health").json().path("oidc");
        assertThat(oidc.path("provider").asText()).isEqualTo("Test IdP");
        assertThat(oidc.path("start_url").asText()).isEqualTo("/api/auth/oidc/start");
    }

    @Test
    void theAuthorizationRequestUsesPkceStateAndNonce() {
        Flow flow = begin();
        assertThat(flow.authorize().toString()).startsWith(provider.issuer() + "/authorize?");
        assertThat(flow.query())
                .containsEntry("response_type", "code")
                .containsEntry("client_id", CLIENT_ID)
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", PUBLIC_URL + "/api/auth/oidc/callback");
        assertThat(flow.query().get("scope").split(" ")).contains("openid", "email");
        assertThat(flow.query().get("code_challenge")).hasSize(43);
        assertThat(flow.state()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(flow.nonce()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(begin().state()).as("a state per flow").isNotEqualTo(flow.state());
    }

    // Each refusal: the contract's status and code, no session cookie, no user made.

    static void assertRefused(Http.Response r, int status, String code, int usersBefore) {
        Http.assertError(r, status, code);
        assertThat(sessionCookie(r)).as("no session for " + r.body()).isNull();
        assertThat(userCount()).as("no user made").isEqualTo(usersBefore);
    }

    @Test
    void aForgedIdTokenIsRefused() {
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        Map<String, Object> claims = new HashMap<>(verified("mallory@example.com"));
        claims.put("nonce", flow.nonce());
        provider.answerOnceWith(provider.forged(CLIENT_ID, "sub-mallory", claims));
        assertRefused(callback(flow.cookie(), code, flow.state()), 401, "unauthenticated", before);
    }

    @Test
    void anExpiredIdTokenIsRefused() {
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        provider.nextToken("sub-late", verified("late@example.com"), -3600);
        assertRefused(callback(flow.cookie(), code, flow.state()), 401, "unauthenticated", before);
    }

    @Test
    void anIdTokenOfAnotherIssuerIsRefused() {
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        Map<String, Object> claims = new HashMap<>(verified("other@example.com"));
        claims.put("iss", provider.issuer().toString().replace("/default", "/other"));
        provider.nextToken("sub-other", claims, 3600);
        assertRefused(callback(flow.cookie(), code, flow.state()), 401, "unauthenticated", before);
    }

    @Test
    void anIdTokenForAnotherClientIsRefused() {
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        Map<String, Object> claims = new HashMap<>(verified("aud@example.com"));
        claims.put("aud", "some-other-client");
        provider.nextToken("sub-aud", claims, 3600);
        assertRefused(callback(flow.cookie(), code, flow.state()), 401, "unauthenticated", before);
    }

    @Test
    void anIdTokenReplayedFromAnotherSignInIsRefusedByItsNonce() {
        int before = userCount();
        Flow earlier = begin();
        Flow flow = begin();
        String code = authorize(flow);
        Map<String, Object> claims = new HashMap<>(verified("replay@example.com"));
        claims.put("nonce", earlier.nonce());
        provider.answerOnceWith(provider.issued(CLIENT_ID, "sub-replay", claims));
        assertRefused(callback(flow.cookie(), code, flow.state()), 401, "unauthenticated", before);
    }

    @Test
    void aWrongStateIsRefusedAndSpendsTheFlow() {
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        assertRefused(callback(flow.cookie(), code, "not-the-state"), 400, "invalid_request", before);
        assertRefused(callback(flow.cookie(), code, flow.state()), 400, "invalid_request", before);
    }

    @Test
    void aCallbackWithoutTheFlowCookieIsRefused() {
        // Login CSRF: an attacker's own code and state, sent to the victim's browser, which began no flow.
        int before = userCount();
        Flow flow = begin();
        String code = authorize(flow);
        assertRefused(callback(null, code, flow.state()), 400, "invalid_request", before);
        assertRefused(callback("lanechat_oidc=lo_made-up", code, flow.state()), 400, "invalid_request", before);
    }

    @Test
    void aUsedCodeIsRefusedAgainAndInAnotherFlow() {
        Flow flow = begin();
        String code = authorize(flow);
        provider.nextToken("sub-carol", verified("carol@example.com"), 3600);
        Http.Response first = callback(flow.cookie(), code, flow.state());
        assertThat(first.status()).as(first.body()).isEqualTo(302);
        int before = userCount();
        assertRefused(callback(flow.cookie(), code, flow.state()), 400, "invalid_request", before);
        Flow next = begin();
        assertRefused(callback(next.cookie(), code, next.state()), 401, "unauthenticated", before);
    }

    @Test
    void theProvidersOwnRefusalIsPassedOn() {
        int before = userCount();
        Flow flow = begin();
        String path = "/api/auth/oidc/callback?error=access_denied&state=" + enc(flow.state());
        assertRefused(
                server.http().request("GET", path, null, null, "Cookie", flow.cookie()),
                401,
                "unauthenticated",
                before);
    }

    @Test
    void aProviderThatCannotBeReachedIs503AndStoresNoFlow(@TempDir Path otherDir) throws Exception {
        int deadPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        try (TestServer lonely = TestServer.start(
                otherDir,
                b -> b.auth(AuthMode.TOKEN)
                        .publicUrl(URI.create(PUBLIC_URL))
                        .oidcIssuer(URI.create("http://127.0.0.1:" + deadPort + "/realms/x"))
                        .oidcClientId(CLIENT_ID)
                        .oidcAllowedDomains(List.of("example.com")))) {
            // Http refuses every 5xx; this one is the contract's, so it is read plainly.
            HttpResponse<String> r = get(lonely.uri().resolve("/api/auth/oidc/start"), null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(Http.JSON.readTree(r.body()).path("error").path("code").asText())
                    .isEqualTo("unavailable");
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(lonely.http().get("/api/health").status())
                    .as("the server itself is fine")
                    .isEqualTo(200);
        }
    }

    @Test
    void anotherDomainOrAnUnverifiedAddressIsRefused() {
        int before = userCount();
        assertRefused(completeSignIn("sub-eve", verified("eve@elsewhere.example")), 403, "forbidden", before);
        assertRefused(
                completeSignIn("sub-eve2", Map.of("email", "eve@example.com", "email_verified", false)),
                403,
                "forbidden",
                before);
        assertRefused(completeSignIn("sub-eve3", Map.of("email", "eve@example.com")), 403, "forbidden", before);
        assertRefused(
                completeSignIn("sub-eve4", Map.of("email", "eve@sub.example.com", "email_verified", true)),
                403,
                "forbidden",
                before);
    }

    @Test
    void anAllowedGroupLetsInAndTheAdminGroupGivesTheAdminRole() {
        Http.Response member = completeSignIn(
                "sub-dana",
                Map.of("email", "dana@partner.example", "email_verified", true, "groups", List.of("lanechat-users")));
        assertThat(member.status()).as(member.body()).isEqualTo(302);
        assertThat(role("dana@partner.example")).isEqualTo("user");

        Http.Response admin = completeSignIn(
                "sub-dana",
                Map.of(
                        "email",
                        "dana@partner.example",
                        "email_verified",
                        true,
                        "groups",
                        List.of("lanechat-users", "lanechat-admins")));
        assertThat(admin.status()).as(admin.body()).isEqualTo(302);
        assertThat(role("dana@partner.example")).isEqualTo("admin");

        // The provider decides: out of the admin group, out of the role at the next sign-in.
        completeSignIn("sub-dana", Map.of("groups", List.of("lanechat-users")));
        assertThat(role("dana@partner.example")).isEqualTo("user");
        assertThat(completeSignIn("sub-frank", verified("frank@example.com")).status())
                .isEqualTo(302);
        assertThat(role("frank@example.com")).isEqualTo("user");
    }

    @Test
    void aRevokedUserCannotSignInAgain() {
        assertThat(completeSignIn("sub-gina", verified("gina@example.com")).status())
                .isEqualTo(302);
        TokenUsers.revoke(dataDir, "gina@example.com");
        int before = userCount();
        assertRefused(completeSignIn("sub-gina", verified("gina@example.com")), 403, "forbidden", before);
    }

    @Test
    void theSameEmailFromAnotherSubjectIsAnotherUser() {
        assertThat(completeSignIn("sub-hal-1", verified("hal@example.com")).status())
                .isEqualTo(302);
        Http.Response other = completeSignIn("sub-hal-2", verified("hal@example.com"));
        assertThat(other.status()).isEqualTo(302);
        String name = server.http()
                .withHeaders("Cookie", sessionCookie(other))
                .get("/api/session")
                .json()
                .path("user")
                .asText();
        assertThat(name).startsWith("hal@example.com-").isNotEqualTo("hal@example.com");
    }

    @Test
    void theLogsHoldNoCodeTokenOrSession() {
        try (LogCapture logs = LogCapture.start()) {
            Flow flow = begin();
            String code = authorize(flow);
            provider.nextToken("sub-ivy", verified("ivy@example.com"), 3600);
            Http.Response ok = callback(flow.cookie(), code, flow.state());
            assertThat(ok.status()).isEqualTo(302);
            Flow bad = begin();
            String badCode = authorize(bad);
            Map<String, Object> claims = new HashMap<>(verified("ivy@example.com"));
            claims.put("nonce", bad.nonce());
            String forged = provider.forged(CLIENT_ID, "sub-ivy", claims);
            provider.answerOnceWith(forged);
            assertThat(callback(bad.cookie(), badCode, bad.state()).status()).isEqualTo(401);

            String all = logs.all();
            assertThat(all).contains("OIDC sign-in of user ivy@example.com", "OIDC sign-in refused");
            for (String secret : List.of(
                    code,
                    badCode,
                    flow.state(),
                    flow.nonce(),
                    cookieValue(flow.cookie()),
                    cookieValue(sessionCookie(ok)),
                    forged,
                    forged.split("\\.")[2])) {
                assertThat(all).as("logs").doesNotContain(secret);
            }
        }
    }

    // Helpers: the browser's plain GET, query strings, and the store, read as a test's own check.

    static HttpResponse<String> get(URI uri, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        try {
            return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> q = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            q.put(
                    URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String cookieValue(String cookie) {
        return cookie.substring(cookie.indexOf('=') + 1);
    }

    static int userCount() {
        return Integer.parseInt(sql("SELECT COUNT(*) FROM users", null));
    }

    static String role(String name) {
        return sql("SELECT role FROM users WHERE name = ?", name);
    }

    private static String sql(String query, String parameter) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("lanechat.db"));
                PreparedStatement s = c.prepareStatement(query)) {
            if (parameter != null) {
                s.setString(1, parameter);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
