package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.ConfigException;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token mode's credentials: 401 without them, revoked tokens, the browser session cookie, and the socket's 4401. */
class TokenAuthTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static Http anonymous;
    static String aliceToken;
    static String conversationId;
    static String taskId;

    @BeforeAll
    static void start() {
        aliceToken = TokenUsers.add(dataDir, "alice");
        server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN));
        anonymous = server.http();
        Http alice = anonymous.withBearer(aliceToken);
        conversationId = alice.createConversation().path("id").asText();
        taskId = alice.send(conversationId, "hello").path("task_id").asText();
        alice.awaitTaskEnd(taskId);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static void assertEveryPathIs401(Http http) {
        String c = "/api/conversations/" + conversationId;
        assertError(http.get("/api/conversations"), 401, "unauthenticated");
        assertError(http.post("/api/conversations", Map.of()), 401, "unauthenticated");
        assertError(http.get(c), 401, "unauthenticated");
        assertError(
                http.request("PATCH", c, "application/json", Http.bytes(Map.of("title", "x"))), 401, "unauthenticated");
        assertError(http.post(c + "/messages", Map.of("content", "hi")), 401, "unauthenticated");
        assertError(http.delete(c), 401, "unauthenticated");
        assertError(http.get("/api/tasks/" + taskId), 401, "unauthenticated");
        assertError(http.post("/api/tasks/" + taskId + "/cancel", Map.of()), 401, "unauthenticated");
        assertError(http.get("/api/files/" + taskId), 401, "unauthenticated");
        assertError(http.get("/api/events?after=0"), 401, "unauthenticated");
        assertError(http.get("/api/lanes"), 401, "unauthenticated");
        assertError(http.get("/api/session"), 401, "unauthenticated");
    }

    @Test
    void withoutCredentialsEveryApiCallIs401ButHealth() {
        assertEveryPathIs401(anonymous);
        assertThat(anonymous.get("/api/health").status()).isEqualTo(200);
    }

    @Test
    void aWrongTokenIs401() {
        assertEveryPathIs401(anonymous.withBearer("lc_not-a-real-token"));
        assertEveryPathIs401(anonymous.withBearer(aliceToken + "x"));
        assertEveryPathIs401(anonymous.withHeaders("Cookie", "lanechat_session=ls_forged"));
        // The conversation is still there for its owner.
        assertThat(anonymous.withBearer(aliceToken).conversation(conversationId).path("messages"))
                .hasSize(2);
    }

    @Test
    void aRevokedTokenAndItsSessionsAre401() {
        String token = TokenUsers.add(dataDir, "carol");
        Http carol = anonymous.withBearer(token);
        assertThat(carol.get("/api/conversations").status()).isEqualTo(200);
        String cookie = logIn(token);
        Http browser = anonymous.withHeaders("Cookie", cookie);
        assertThat(browser.get("/api/conversations").status()).isEqualTo(200);

        TokenUsers.revoke(dataDir, "carol"); // against the running server's store, as an admin would
        // A token verified in the last second may be served from the server's cache once more: a
        // revoke from another process ends it within 1 s (protocol.md E4).
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(2))
                .untilAsserted(() -> assertError(carol.get("/api/conversations"), 401, "unauthenticated"));
        assertError(browser.get("/api/conversations"), 401, "unauthenticated");
        assertError(anonymous.post("/api/session", Map.of("token", token)), 401, "unauthenticated");
        assertErrorThenClose(server.socket().send("{\"token\":\"" + token + "\"}"), "unauthenticated", 4401);
        assertThat(TokenUsers.run(0, "list", "--data-dir", dataDir.toString()))
                .contains("carol")
                .contains("revoked");

        // A new token for the revoked user works again; the old one still does not.
        String fresh = TokenUsers.add(dataDir, "carol");
        assertThat(anonymous.withBearer(fresh).get("/api/conversations").status())
                .isEqualTo(200);
        assertError(carol.get("/api/conversations"), 401, "unauthenticated");
    }

    @Test
    void usersAddRefusesADuplicateAndABadName() {
        TokenUsers.run(1, "add", "alice", "--data-dir", dataDir.toString());
        TokenUsers.run(1, "add", "no spaces please", "--data-dir", dataDir.toString());
        TokenUsers.run(1, "revoke", "nobody", "--data-dir", dataDir.toString());
    }

    @Test
    void usersAddTakesSeveralNamesAndPrintsATokenLineForEach() {
        String printed = TokenUsers.run(0, "add", "dave", "erin", "frank", "--data-dir", dataDir.toString());
        String[] lines = printed.strip().split("\\R");
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            String[] nameAndToken = lines[i].split("\t");
            assertThat(nameAndToken[0])
                    .isEqualTo(List.of("dave", "erin", "frank").get(i));
            assertThat(nameAndToken[1]).startsWith("lc_");
            Http user = anonymous.withBearer(nameAndToken[1]);
            assertThat(user.get("/api/session").json().path("user").asText()).isEqualTo(nameAndToken[0]);
        }
        // One bad name (or one that exists) and nobody is created: a script can fix its list and rerun.
        TokenUsers.run(1, "add", "gina", "no spaces", "--data-dir", dataDir.toString());
        TokenUsers.run(1, "add", "hank", "alice", "--data-dir", dataDir.toString());
        TokenUsers.run(1, "add", "ivy", "ivy", "--data-dir", dataDir.toString());
        String list = TokenUsers.run(0, "list", "--data-dir", dataDir.toString());
        assertThat(list)
                .contains("dave")
                .doesNotContain("gina")
                .doesNotContain("hank")
                .doesNotContain("ivy");
        TokenUsers.run(2, "list", "extra", "--data-dir", dataDir.toString());
    }

    @Test
    void sessionCookieFlow() {
        Http.Response login = anonymous.post("/api/session", Map.of("token", aliceToken));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        assertThat(login.json().path("user").asText()).isEqualTo("alice");
        assertThat(login.json().path("auth").asText()).isEqualTo("token");
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie)
                .startsWith("lanechat_session=")
                .contains("HttpOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(cookie).doesNotContain(aliceToken); // a session id, not the API token

        Http browser = anonymous.withHeaders("Cookie", cookie);
        assertThat(browser.get("/api/session").json().path("user").asText()).isEqualTo("alice");
        JsonNode list = browser.get("/api/conversations").json();
        assertThat(list.get(0).path("id").asText()).isEqualTo(conversationId);

        // The socket of a page: the upgrade carries the cookie, the subscribe says "stream".
        Socket socket = server.socket("Cookie", cookie).subscribe();
        assertThat(socket.ready()).isPositive();

        Http.Response logout = browser.delete("/api/session");
        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.header("Set-Cookie")).startsWith("lanechat_session=;").contains("Max-Age=0");
        assertError(browser.get("/api/conversations"), 401, "unauthenticated");
        assertErrorThenClose(server.socket("Cookie", cookie).subscribe(), "unauthenticated", 4401);
        // The API token itself still works.
        assertThat(anonymous.withBearer(aliceToken).get("/api/conversations").status())
                .isEqualTo(200);
    }

    @Test
    void logInWithABadTokenOrBodyIsRefused() {
        assertError(anonymous.post("/api/session", Map.of("token", "lc_nope")), 401, "unauthenticated");
        assertError(anonymous.post("/api/session", Map.of()), 400, "invalid_request");
        assertError(anonymous.post("/api/session", Map.of("token", 42)), 400, "invalid_request");
        assertError(anonymous.post("/api/session", "not json"), 400, "invalid_request");
        assertError(
                anonymous.request("POST", "/api/session", "text/plain", Http.bytes("{\"token\":\"x\"}")),
                415,
                "unsupported_media_type");
    }

    @Test
    void aSocketWithoutGoodCredentialsIsClosedWith4401() {
        assertErrorThenClose(server.socket().subscribe(), "unauthenticated", 4401);
        assertErrorThenClose(server.socket().send("{\"token\":\"lc_wrong\"}"), "unauthenticated", 4401);
        assertErrorThenClose(server.socket("Authorization", "Bearer lc_wrong").subscribe(), "unauthenticated", 4401);
        assertErrorThenClose(
                server.socket("Cookie", "lanechat_session=ls_forged").subscribe(), "unauthenticated", 4401);
        // Good credentials either way are served.
        assertThat(server.socket("Authorization", "Bearer " + aliceToken)
                        .subscribe()
                        .ready())
                .isPositive();
        assertThat(server.socket()
                        .send("{\"token\":\"" + aliceToken + "\",\"since\":0}")
                        .update()
                        .path("data")
                        .path("task_id")
                        .asText())
                .isEqualTo(taskId);
    }

    @Test
    void openModeRefusesAnAddressOtherMachinesCanReach() {
        Config open = Config.defaults().toBuilder().bind("0.0.0.0").build();
        assertThatThrownBy(open::validate).isInstanceOf(ConfigException.class).hasMessageContaining("--auth token");
        Config.defaults().toBuilder()
                .bind("0.0.0.0")
                .auth(AuthMode.TOKEN)
                .build()
                .validate();
        Config.defaults().validate();
        assertThat(List.of(AuthMode.values())).contains(AuthMode.OPEN, AuthMode.TOKEN);
    }

    private static String logIn(String token) {
        Http.Response login = anonymous.post("/api/session", Map.of("token", token));
        assertThat(login.status()).as(login.body()).isEqualTo(200);
        String setCookie = login.header("Set-Cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    static void assertErrorThenClose(Socket socket, String code, int closeCode) {
        JsonNode error = socket.nextNonPing();
        assertThat(error.path("event").asText()).as(error.toString()).isEqualTo("error");
        assertThat(error.path("data").path("code").asText()).isEqualTo(code);
        assertThat(error.path("data").path("message").asText()).isNotBlank();
        assertThat(socket.closeCode()).isEqualTo(closeCode);
    }
}
