package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.RawHttp;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route × credential × spelling matrix (issue 14): every route the server registered is
 * called with every kind of credential (none, its owner, another user, a worker, a revoked
 * user's token and cookie, an expired session) and every spelling of its path a client could
 * try (trailing slash, doubled slashes, upper case, dot segments, {@code ;params},
 * percent-encoding, backslashes). The access decision of a spelling is its plain form's, or the
 * path matches no route at all; never is a credential refused on the plain path admitted on
 * another spelling. A route this table does not know, or one that declares no access, fails.
 */
class RouteAccessTest {
    /** The message of the 404 for a path that matches no route (ApiErrors.notFound). */
    static final String NO_ROUTE = "Nothing here";

    @TempDir
    static Path dataDir;

    static TestServer server;
    static RawHttp raw;
    static final Map<String, String[]> credentials = new LinkedHashMap<>();
    static String conversationId;
    static String doomedConversationId;
    static String taskId;
    static String queuedTaskId;
    static String fileId;
    static String answerId;
    static String userMessageId;

    /** One sample request per registered route, and who the route admits. */
    record Sample(String method, String pattern, String path, String body, Set<String> admitted) {}

    static final Set<String> EVERYONE =
            Set.of("none", "alice", "bob", "worker", "revoked-token", "revoked-cookie", "expired-session", "admin");
    static final Set<String> USERS = Set.of("alice", "bob", "admin");
    static final Set<String> WORKERS = Set.of("worker");
    /** Admin routes: everyone else gets the 404 of a path with no route (issue 20). */
    static final Set<String> ADMINS = Set.of("admin");

    @BeforeAll
    static void start() throws Exception {
        String alice = TokenUsers.add(dataDir, "alice");
        String bob = TokenUsers.add(dataDir, "bob");
        String carol = TokenUsers.add(dataDir, "carol");
        String erin = TokenUsers.add(dataDir, "erin");
        String[] workerLines = TokenUsers.run(0, "add", "w1", "--worker", "--data-dir", dataDir.toString())
                .strip()
                .split("\\R");
        String worker = workerLines[workerLines.length - 1].strip();
        String[] adminLines = TokenUsers.run(0, "add", "root", "--admin", "--data-dir", dataDir.toString())
                .strip()
                .split("\\R");
        String admin = adminLines[adminLines.length - 1].strip();
        TokenUsers.add(dataDir, "dave"); // the admin routes' target
        server = TestServer.start(
                dataDir,
                b -> b.auth(AuthMode.TOKEN)
                        .lanes(TestLanes.demoAndWorker())
                        .sendRate(100_000, 100_000)
                        .conversationRate(100_000, 100_000)
                        .loginRate(100_000, 100_000));
        raw = new RawHttp(server.port());
        Http aliceHttp = server.http().withBearer(alice);
        String carolCookie = logIn(carol);
        String erinCookie = logIn(erin);
        TokenUsers.revoke(dataDir, "carol");
        expireSessionsOf("erin");

        conversationId = aliceHttp.createConversation().path("id").asText();
        doomedConversationId = aliceHttp.createConversation().path("id").asText();
        taskId = aliceHttp.send(conversationId, "a file please").path("task_id").asText();
        JsonNode done = aliceHttp.awaitTaskEnd(taskId);
        fileId = done.path("result").path("files").path(0).path("id").asText();
        assertThat(fileId).as(done.toString()).isNotEmpty();
        answerId = done.path("message_id").asText();
        userMessageId = aliceHttp
                .conversation(conversationId)
                .path("messages")
                .path(0)
                .path("id")
                .asText();
        Http.Response queued = aliceHttp.post(
                "/api/conversations/" + conversationId + "/messages",
                Map.of("content", "for the workers", "lane", "ext"));
        queuedTaskId = queued.json().path("task_id").asText();

        credentials.put("none", new String[0]);
        credentials.put("alice", new String[] {"Authorization", "Bearer " + alice});
        credentials.put("bob", new String[] {"Authorization", "Bearer " + bob});
        credentials.put("worker", new String[] {"Authorization", "Bearer " + worker});
        credentials.put("revoked-token", new String[] {"Authorization", "Bearer " + carol});
        credentials.put("revoked-cookie", new String[] {"Cookie", carolCookie});
        credentials.put("expired-session", new String[] {"Cookie", erinCookie});
        credentials.put("admin", new String[] {"Authorization", "Bearer " + admin});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String logIn(String token) {
        Http.Response r = server.http().post("/api/session", Map.of("token", token));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("Set-Cookie").split(";", 2)[0];
    }

    /** Test set-up only: ages a user's sessions past their expiry, as 30 days would. */
    private static void expireSessionsOf(String name) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("lanechat.db"));
                PreparedStatement s = c.prepareStatement("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'"
                        + " WHERE user_id = (SELECT id FROM users WHERE name = ?)")) {
            s.setString(1, name);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    static List<Sample> samples() {
        String c = "/api/conversations/" + conversationId;
        String t = "/api/tasks/" + queuedTaskId;
        String lease = "{\"lease_id\":\"not-the-lease\"}";
        return List.of(
                new Sample("GET", "/api/health", "/api/health", null, EVERYONE),
                new Sample("POST", "/api/session", "/api/session", "{}", EVERYONE),
                new Sample("DELETE", "/api/session", "/api/session", null, EVERYONE),
                new Sample("GET", "/metrics", "/metrics", null, EVERYONE),
                // Without --oidc-issuer (as here) both answer 404 "not configured", not "nothing here".
                new Sample("GET", "/api/auth/oidc/start", "/api/auth/oidc/start", null, EVERYONE),
                new Sample("GET", "/api/auth/oidc/callback", "/api/auth/oidc/callback?code=c&state=s", null, EVERYONE),
                new Sample("GET", "/api/session", "/api/session", null, USERS),
                new Sample("GET", "/api/lanes", "/api/lanes", null, USERS),
                new Sample("GET", "/api/conversations", "/api/conversations", null, USERS),
                new Sample("POST", "/api/conversations", "/api/conversations", "{\"title\":\"%s\"}", USERS),
                new Sample("GET", "/api/conversations/{id}", c, null, USERS),
                new Sample("PATCH", "/api/conversations/{id}", c, "{\"title\":\"%s\"}", USERS),
                new Sample(
                        "DELETE", "/api/conversations/{id}", "/api/conversations/" + doomedConversationId, null, USERS),
                new Sample(
                        "POST",
                        "/api/conversations/{id}/messages",
                        c + "/messages",
                        "{\"content\":\"from %s\"}",
                        USERS),
                new Sample("POST", "/api/conversations/{id}/read", c + "/read", null, USERS),
                new Sample(
                        "POST",
                        "/api/conversations/{id}/messages/{message_id}/regenerate",
                        c + "/messages/" + answerId + "/regenerate",
                        null,
                        USERS),
                new Sample(
                        "POST",
                        "/api/conversations/{id}/messages/{message_id}/edit",
                        c + "/messages/" + userMessageId + "/edit",
                        "{\"content\":\"from %s\"}",
                        USERS),
                new Sample(
                        "POST",
                        "/api/conversations/{id}/switch",
                        c + "/switch",
                        "{\"message_id\":\"" + answerId + "\"}",
                        USERS),
                new Sample("GET", "/api/tasks/{id}", "/api/tasks/" + taskId, null, USERS),
                new Sample("POST", "/api/tasks/{id}/cancel", t + "/cancel", null, USERS),
                new Sample("GET", "/api/files/{id}", "/api/files/" + fileId, null, USERS),
                new Sample("POST", "/api/uploads", "/api/uploads?name=from.json", "{\"title\":\"%s\"}", USERS),
                new Sample("GET", "/api/events", "/api/events?after=0", null, USERS),
                new Sample("GET", "/api/search", "/api/search?q=from", null, USERS),
                new Sample("GET", "/api/conversations/{id}/export", c + "/export", null, USERS),
                new Sample("GET", "/api/export", "/api/export", null, USERS),
                new Sample(
                        "POST",
                        "/api/import",
                        "/api/import",
                        "{\"format\":\"lanechat\",\"version\":1,\"conversations\":[]}",
                        USERS),
                new Sample("POST", "/api/lanes/{lane}/claim", "/api/lanes/ext/claim?wait_s=0", null, WORKERS),
                new Sample("POST", "/api/tasks/{id}/heartbeat", t + "/heartbeat", lease, WORKERS),
                new Sample(
                        "POST",
                        "/api/tasks/{id}/complete",
                        t + "/complete",
                        "{\"lease_id\":\"not-the-lease\",\"content\":\"from %s\"}",
                        WORKERS),
                new Sample(
                        "POST",
                        "/api/tasks/{id}/fail",
                        t + "/fail",
                        "{\"lease_id\":\"not-the-lease\",\"error\":\"x\"}",
                        WORKERS),
                new Sample("GET", "/api/tasks/{id}/files/{file_id}", t + "/files/" + fileId, null, WORKERS),
                new Sample("GET", "/api/usage", "/api/usage", null, USERS),
                new Sample("GET", "/api/admin/users", "/api/admin/users", null, ADMINS),
                new Sample("POST", "/api/admin/users", "/api/admin/users", "{\"name\":\"made-by-%s\"}", ADMINS),
                new Sample("POST", "/api/admin/users/{name}/revoke", "/api/admin/users/dave/revoke", null, ADMINS),
                new Sample(
                        "PUT",
                        "/api/admin/users/{name}/quota",
                        "/api/admin/users/dave/quota",
                        "{\"messages_per_day\":1000}",
                        ADMINS),
                new Sample("GET", "/api/admin/usage", "/api/admin/usage", null, ADMINS));
    }

    @Test
    void everyRegisteredRouteDeclaresOneAccessAndIsInTheMatrix() {
        Set<String> registered = new TreeSet<>();
        for (DeclaredRoute route : server.routes()) {
            assertThat(route.roles())
                    .as(route.method() + " " + route.path() + " declares its access")
                    .hasSize(1)
                    .allMatch(
                            role -> Set.of("ANYONE", "USER", "WORKER", "ADMIN").contains(role));
            registered.add(route.method() + " " + route.path());
        }
        Set<String> tested = samples().stream()
                .map(s -> s.method() + " " + s.pattern())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(registered).as("a new route must join this matrix").isEqualTo(tested);
    }

    /** The spellings of one path: a client (or an attacker) may send any of them. */
    static List<String> spellings(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q);
        String rest = path.substring(1); // without the leading slash
        int lastSlash = path.lastIndexOf('/');
        String last = path.substring(lastSlash + 1);
        String head = path.substring(0, lastSlash + 1);
        List<String> variants = new ArrayList<>();
        variants.add(path + "/");
        variants.add(path + "//");
        variants.add("/" + path);
        variants.add(path.replaceFirst("/", "//").replaceFirst("^///", "//"));
        variants.add(head + "/" + last);
        variants.add(path.toUpperCase(Locale.ROOT));
        variants.add(head + last.toUpperCase(Locale.ROOT));
        variants.add("/./" + rest);
        variants.add(head + "./" + last);
        variants.add("/x/../" + rest);
        variants.add(head + "x/../" + last);
        variants.add(path + "/.");
        variants.add(path + "/..");
        variants.add(path + ";p=1");
        variants.add(head.replaceFirst("/$", ";p=1/") + last);
        variants.add(path + "%2F");
        variants.add(head + "%" + Integer.toHexString(last.charAt(0)) + last.substring(1));
        variants.add("/%61" + rest.substring(1));
        variants.add(head.substring(0, head.length() - 1) + "%2F" + last);
        variants.add(path.replace('/', '\\'));
        variants.add(path + "%00");
        variants.add(path + "%20");
        List<String> withQuery = new ArrayList<>();
        withQuery.add(pathAndQuery);
        variants.forEach(v -> withQuery.add(v + query));
        return withQuery;
    }

    /** Refused by access (401, 403), or no route at all (404 "nothing here", 405, or a 400 for a bad URI). */
    static boolean refused(RawHttp.Answer a) {
        return a.status() == 401 || a.status() == 403 || noRoute(a);
    }

    static boolean noRoute(RawHttp.Answer a) {
        return (a.status() == 404 && a.body().contains(NO_ROUTE))
                || a.status() == 405
                || (a.status() == 400 && !"invalid_request".equals(a.errorCode()));
    }

    private static RawHttp.Answer call(Sample sample, String target, String credential) {
        String body = sample.body() == null ? null : sample.body().formatted(credential);
        List<String> headers = new ArrayList<>(List.of(credentials.get(credential)));
        if (body != null) {
            headers.add("Content-Type");
            headers.add("application/json");
        }
        return raw.send(sample.method(), target, body, headers.toArray(String[]::new));
    }

    @Test
    void everyRouteEveryCredentialEverySpellingGetsThePlainFormsDecision() {
        List<String> problems = new ArrayList<>();
        int calls = 0;
        for (Sample sample : samples()) {
            for (String credential : credentials.keySet()) {
                boolean admitted = sample.admitted().contains(credential);
                String where = credential + " " + sample.method() + " ";
                RawHttp.Answer plain = call(sample, sample.path(), credential);
                calls++;
                if (plain.status() >= 500) {
                    problems.add(where + sample.path() + " -> " + plain.status() + " " + plain.body());
                }
                if (admitted == refused(plain)) {
                    problems.add(where + sample.path() + ": expected " + (admitted ? "admitted" : "refused") + ", got "
                            + plain.status() + " " + plain.body());
                }
                for (String target : spellings(sample.path())
                        .subList(1, spellings(sample.path()).size())) {
                    RawHttp.Answer a = call(sample, target, credential);
                    calls++;
                    if (a.status() >= 500) {
                        problems.add(where + target + " -> " + a.status() + " " + a.body());
                    } else if (!admitted && !refused(a)) {
                        problems.add(where + target + " was refused in its plain form but got " + a.status() + " "
                                + a.body());
                    } else if (admitted && refused(a) && !noRoute(a)) {
                        problems.add(where + target + " was admitted in its plain form but got " + a.status() + " "
                                + a.body());
                    }
                }
            }
        }
        System.out.println("Route access matrix: " + calls + " calls, " + problems.size() + " problems");
        assertThat(problems).as(calls + " calls").isEmpty();
    }

    @Test
    void anotherUserNeverReadsOrChangesAlicesObjectsWhateverTheSpelling() {
        for (Sample sample : samples()) {
            boolean aliceObject = sample.path().contains(conversationId)
                    || sample.path().contains(taskId)
                    || sample.path().contains(fileId)
                    || sample.path().contains(doomedConversationId);
            if (!aliceObject) {
                continue;
            }
            for (String target : spellings(sample.path())) {
                RawHttp.Answer a = call(sample, target, "bob");
                assertThat(a.status())
                        .as("bob " + sample.method() + " " + target + ": " + a.body())
                        .isIn(401, 404, 405, 400);
            }
        }
        // Alice's conversation has none of the others' titles, messages or answers.
        JsonNode conversation = raw.send("GET", "/api/conversations/" + conversationId, null, credentials.get("alice"))
                .json();
        assertThat(conversation.path("title").asText()).isIn("alice", "a file please");
        for (JsonNode message : conversation.path("messages")) {
            for (String other :
                    List.of("none", "bob", "worker", "revoked-token", "revoked-cookie", "expired-session")) {
                assertThat(message.path("content").asText()).doesNotContain("from " + other);
            }
        }
    }

    @Test
    void theWorkerApiBypassOfIssue14IsClosed() {
        // Bob's own token on the worker API, with the trailing slash that once skipped the check.
        String[] bob = credentials.get("bob");
        String queuedTaskId = raw.send(
                        "POST",
                        "/api/conversations/" + conversationId + "/messages",
                        "{\"content\":\"alice's secret\",\"lane\":\"ext\"}",
                        concat(credentials.get("alice"), "Content-Type", "application/json"))
                .json()
                .path("task_id")
                .asText();
        RawHttp.Answer claim = raw.send("POST", "/api/lanes/ext/claim/?wait_s=0", null, bob);
        assertThat(claim.status()).as(claim.body()).isEqualTo(401);
        RawHttp.Answer complete = raw.send(
                "POST",
                "/api/tasks/" + queuedTaskId + "/complete/",
                "{\"lease_id\":\"x\",\"content\":\"bob's words\"}",
                concat(bob, "Content-Type", "application/json"));
        assertThat(complete.status()).as(complete.body()).isEqualTo(401);
        JsonNode task = raw.send("GET", "/api/tasks/" + queuedTaskId, null, credentials.get("alice"))
                .json();
        assertThat(task.path("status").asText()).as(task.toString()).isIn("queued", "running");
        assertThat(task.path("result").toString()).doesNotContain("bob's words");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
