package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.RawHttp;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20's roles, admin API, usage and quotas against the real server in token mode: the
 * admin-role matrix (every admin route × user / admin / worker / none: non-admins get the very
 * 404 of a path with no route), creating users and worker tokens (shown once), revoking, quotas
 * (429 {@code quota_exceeded} with when it resets), and usage counted per user and day.
 */
class AdminApiTest {
    @TempDir
    static Path dataDir;

    static TestServer server;
    static RawHttp raw;
    static Http admin;
    static Http alice;
    static final Map<String, String[]> callers = new LinkedHashMap<>();

    /** An admin route, a sample call of it, and a body for it (null: none). */
    record AdminCall(String method, String path, String body) {}

    static final List<AdminCall> ADMIN_CALLS = List.of(
            new AdminCall("GET", "/api/admin/users", null),
            new AdminCall("POST", "/api/admin/users", "{\"name\":\"matrix-made\"}"),
            new AdminCall("POST", "/api/admin/users/target/revoke", null),
            new AdminCall("PUT", "/api/admin/users/target/quota", "{\"messages_per_day\":5}"),
            new AdminCall("GET", "/api/admin/usage", null));

    @BeforeAll
    static void start() {
        server = TestServer.start(
                dataDir,
                b -> b.auth(AuthMode.TOKEN).lanes(TestLanes.demoAndWorker()).sendRate(10_000, 10_000));
        String aliceToken = TokenUsers.add("alice", storeFlags());
        String rootToken = lastLine(users("add", "root", "--admin"));
        String workerToken = lastLine(users("add", "w1", "--worker"));
        TokenUsers.add("target", storeFlags());
        raw = new RawHttp(server.port());
        admin = server.http().withBearer(rootToken);
        alice = server.http().withBearer(aliceToken);
        callers.put("none", new String[0]);
        callers.put("user", new String[] {"Authorization", "Bearer " + aliceToken});
        callers.put("worker", new String[] {"Authorization", "Bearer " + workerToken});
        callers.put("admin", new String[] {"Authorization", "Bearer " + rootToken});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String[] storeFlags() {
        return TokenUsers.storeFlags(server, dataDir);
    }

    /** {@code lanechat users ARGS} on this run's store, expecting exit 0; what it printed. */
    private static String users(String... args) {
        return usersExiting(0, args);
    }

    private static String usersExiting(int exit, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(storeFlags()));
        return TokenUsers.run(exit, all.toArray(String[]::new));
    }

    private static String lastLine(String printed) {
        String[] lines = printed.strip().split("\\R");
        return lines[lines.length - 1].strip();
    }

    private static RawHttp.Answer call(AdminCall c, String caller) {
        List<String> headers = new ArrayList<>(List.of(callers.get(caller)));
        if (c.body() != null) {
            headers.add("Content-Type");
            headers.add("application/json");
        }
        return raw.send(c.method(), c.path(), c.body(), headers.toArray(String[]::new));
    }

    @Test
    void everyAdminRouteAnswersNonAdminsTheNotFoundOfAPathWithNoRoute() {
        RawHttp.Answer noRoute = raw.send("GET", "/api/no-such-thing", null, callers.get("user"));
        assertThat(noRoute.status()).isEqualTo(404);
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (AdminCall c : ADMIN_CALLS) {
            for (String caller : callers.keySet()) {
                RawHttp.Answer a = call(c, caller);
                String where = caller + " " + c.method() + " " + c.path();
                if (caller.equals("admin")) {
                    assertThat(a.status()).as(where + ": " + a.body()).isIn(200, 201);
                } else {
                    assertThat(a.status()).as(where + ": " + a.body()).isEqualTo(404);
                    assertThat(a.body()).as(where).isEqualTo(noRoute.body());
                }
                outcomes.put(where, String.valueOf(a.status()));
            }
        }
        assertThat(outcomes).hasSize(ADMIN_CALLS.size() * callers.size());
        // The non-admins' calls changed nothing: the quota the admin set is the admin's, the user made once.
        JsonNode target = userRow("target");
        assertThat(target.path("own_quota").path("messages_per_day").asLong()).isEqualTo(5);
        assertThat(StreamSupport.stream(users().spliterator(), false)
                        .filter(u -> u.path("name").asText().equals("matrix-made"))
                        .count())
                .isEqualTo(1);
    }

    @Test
    void theSessionTellsThePageTheRole() {
        assertThat(admin.get("/api/session").json().path("role").asText()).isEqualTo("admin");
        assertThat(alice.get("/api/session").json().path("role").asText()).isEqualTo("user");
    }

    @Test
    void anAdminCreatesAUserWhoseTokenIsShownOnceAndWorks() {
        Http.Response made = admin.post("/api/admin/users", Map.of("name", "bea"));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String token = made.json().path("token").asText();
        assertThat(token).startsWith("lc_");
        assertThat(made.json().path("role").asText()).isEqualTo("user");
        Http bea = server.http().withBearer(token);
        assertThat(bea.get("/api/session").json().path("user").asText()).isEqualTo("bea");
        assertThat(bea.get("/api/admin/users").status()).isEqualTo(404);
        assertThat(admin.get("/api/admin/users").body()).doesNotContain(token);
        assertError(admin.post("/api/admin/users", Map.of("name", "bea")), 409, "conflict");

        Http.Response madeAdmin = admin.post("/api/admin/users", Map.of("name", "cora", "role", "admin"));
        assertThat(madeAdmin.status()).as(madeAdmin.body()).isEqualTo(201);
        Http cora = server.http().withBearer(madeAdmin.json().path("token").asText());
        assertThat(cora.get("/api/admin/users").status()).isEqualTo(200);

        Http.Response worker =
                admin.post("/api/admin/users", Map.of("name", "w-ext", "kind", "worker", "lanes", List.of("ext")));
        assertThat(worker.status()).as(worker.body()).isEqualTo(201);
        Http w = server.http().withBearer(worker.json().path("token").asText());
        assertThat(w.post("/api/lanes/ext/claim?wait_s=0", "").status()).isIn(200, 204);
        assertThat(w.get("/api/conversations").status()).isEqualTo(401);
        assertThat(userRow("w-ext").path("kind").asText()).isEqualTo("worker");
    }

    @Test
    void badInputIsRefusedWithTheContractsErrorAndStoresNothing() {
        int before = users().size();
        assertError(admin.post("/api/admin/users", Map.of("name", "no spaces")), 400, "invalid_request");
        assertError(admin.post("/api/admin/users", Map.of()), 400, "invalid_request");
        assertError(admin.post("/api/admin/users", Map.of("name", "x1", "kind", "robot")), 400, "invalid_request");
        assertError(admin.post("/api/admin/users", Map.of("name", "x2", "role", "root")), 400, "invalid_request");
        assertError(
                admin.post("/api/admin/users", Map.of("name", "x3", "kind", "worker", "role", "admin")),
                400,
                "invalid_request");
        assertError(
                admin.post("/api/admin/users", Map.of("name", "x4", "lanes", List.of("ext"))), 400, "invalid_request");
        assertError(
                admin.post("/api/admin/users", Map.of("name", "x5", "kind", "worker", "lanes", "ext")),
                400,
                "invalid_request");
        assertError(admin.post("/api/admin/users", "not json"), 400, "invalid_request");
        assertThat(users().size()).isEqualTo(before);

        String quota = "/api/admin/users/target/quota";
        JsonNode own = userRow("target").path("own_quota");
        for (String bad : List.of(
                "{\"messages_per_day\":-1}",
                "{\"messages_per_day\":1.5}",
                "{\"messages_per_day\":\"ten\"}",
                "{\"usd_per_month\":-2}",
                "{\"usd_per_month\":\"5\"}",
                "[]")) {
            Http.Response r = admin.request("PUT", quota, "application/json", Http.bytes(bad));
            assertError(r, 400, "invalid_request");
        }
        assertThat(userRow("target").path("own_quota")).isEqualTo(own);
        assertError(
                admin.request(
                        "PUT",
                        "/api/admin/users/nobody/quota",
                        "application/json",
                        Http.bytes("{\"messages_per_day\":1}")),
                404,
                "not_found");
        assertError(admin.post("/api/admin/users/nobody/revoke", ""), 404, "not_found");
        assertError(admin.get("/api/admin/usage?days=0"), 400, "invalid_request");
        assertError(admin.get("/api/admin/usage?days=abc"), 400, "invalid_request");
    }

    @Test
    void revokingAUserEndsItsToken() {
        String token = admin.post("/api/admin/users", Map.of("name", "dora"))
                .json()
                .path("token")
                .asText();
        Http dora = server.http().withBearer(token);
        assertThat(dora.get("/api/conversations").status()).isEqualTo(200);
        Http.Response revoked = admin.post("/api/admin/users/dora/revoke", "");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(dora.get("/api/conversations").status()).isEqualTo(401);
        assertThat(userRow("dora").path("revoked").asBoolean()).isTrue();
    }

    @Test
    void usageCountsEachAnsweredMessageWithItsTokensPerUserAndDay() {
        Http eve = newUser("eve");
        String conversation = eve.createConversation().path("id").asText();
        for (String text : List.of("one two three", "four five")) {
            eve.awaitTaskEnd(eve.send(conversation, text).path("task_id").asText());
        }
        JsonNode usage = eve.get("/api/usage").json();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(usage.path("today").path("day").asText()).isEqualTo(today);
        assertThat(usage.path("today").path("messages").asLong()).isEqualTo(2);
        // The demo lane's tokens are words: 3 + 2 in; its answers 'You said: "…" (N words).' 7 + 6 out.
        assertThat(usage.path("today").path("prompt_tokens").asLong()).isEqualTo(5);
        assertThat(usage.path("today").path("completion_tokens").asLong()).isEqualTo(13);
        assertThat(usage.path("this_month").path("messages").asLong()).isEqualTo(2);
        assertThat(usage.path("days").path(0).path("day").asText()).isEqualTo(today);
        assertThat(usage.path("days")).hasSize(1);

        JsonNode row = userRow("eve");
        assertThat(row.path("messages_today").asLong()).isEqualTo(2);
        assertThat(row.path("messages_this_month").asLong()).isEqualTo(2);
        // Written by the server's once-a-second flush of what requests noted (LastSeen).
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() ->
                        assertThat(userRow("eve").path("last_seen_at").asText()).startsWith(today));
        JsonNode everyone = admin.get("/api/admin/usage?days=1").json().path("days");
        assertThat(StreamSupport.stream(everyone.spliterator(), false)
                        .filter(d -> d.path("user").asText().equals("eve"))
                        .findFirst()
                        .orElseThrow()
                        .path("messages")
                        .asLong())
                .isEqualTo(2);
        // Another user's usage is not eve's.
        assertThat(alice.get("/api/usage").json().path("today").path("messages").asLong())
                .isZero();
    }

    @Test
    void aMessagesQuotaStopsTheNextSendWith429UntilMidnight() {
        Http finn = newUser("finn");
        String conversation = finn.createConversation().path("id").asText();
        finn.awaitTaskEnd(finn.send(conversation, "first").path("task_id").asText());
        setQuota("finn", "{\"messages_per_day\":1}");

        Http.Response refused =
                finn.post("/api/conversations/" + conversation + "/messages", Map.of("content", "more"));
        assertError(refused, 429, "quota_exceeded");
        Instant midnight = LocalDate.now(ZoneOffset.UTC)
                .plusDays(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        assertThat(Instant.parse(refused.json().path("error").path("resets_at").asText()))
                .isEqualTo(midnight);
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter)
                .isBetween(1L, Duration.between(Instant.now(), midnight).toSeconds() + 2);
        assertThat(refused.json().path("error").path("message").asText())
                .contains("quota of 1 message a day")
                .contains("00:00 UTC");
        assertThat(finn.conversation(conversation).path("message_count").asLong())
                .as("nothing stored")
                .isEqualTo(2);

        setQuota("finn", "{\"messages_per_day\":null}");
        finn.send(conversation, "the default again: no limit");
    }

    @Test
    void aDollarQuotaCountsWhatTheLanesCharged() {
        Http gus = newUser("gus");
        String conversation = gus.createConversation().path("id").asText();
        Http worker = server.http()
                .withBearer(admin.post("/api/admin/users", Map.of("name", "w-gus", "kind", "worker"))
                        .json()
                        .path("token")
                        .asText());
        String taskId = gus.post(
                        "/api/conversations/" + conversation + "/messages", Map.of("content", "costly", "lane", "ext"))
                .json()
                .path("task_id")
                .asText();
        JsonNode claimed = await().atMost(Duration.ofSeconds(10))
                .until(() -> worker.post("/api/lanes/ext/claim?wait_s=1", ""), r -> r.status() == 200)
                .json();
        assertThat(claimed.path("task_id").asText()).isEqualTo(taskId);
        Map<String, Object> done = new HashMap<>(Map.of(
                "lease_id",
                claimed.path("lease_id").asText(),
                "content",
                "ok",
                "cost_usd",
                0.75,
                "prompt_tokens",
                1200,
                "completion_tokens",
                340));
        assertError(
                worker.post(
                        "/api/tasks/" + taskId + "/complete",
                        Map.of("lease_id", claimed.path("lease_id").asText(), "content", "ok", "prompt_tokens", -1)),
                400,
                "invalid_request");
        assertError(
                worker.post(
                        "/api/tasks/" + taskId + "/complete",
                        Map.of(
                                "lease_id",
                                claimed.path("lease_id").asText(),
                                "content",
                                "ok",
                                "completion_tokens",
                                "many")),
                400,
                "invalid_request");
        assertThat(worker.post("/api/tasks/" + taskId + "/complete", done).status())
                .isEqualTo(200);
        JsonNode month = gus.get("/api/usage").json().path("this_month");
        assertThat(month.path("cost_usd").asDouble()).isEqualTo(0.75);
        assertThat(month.path("messages").asLong()).isEqualTo(1);
        assertThat(month.path("prompt_tokens").asLong()).isEqualTo(1200);
        assertThat(month.path("completion_tokens").asLong()).isEqualTo(340);

        setQuota("gus", "{\"usd_per_month\":0.5}");
        Http.Response refused = gus.post("/api/conversations/" + conversation + "/messages", Map.of("content", "more"));
        assertError(refused, 429, "quota_exceeded");
        assertThat(refused.json().path("error").path("message").asText()).contains("$0.50 a month");
        Instant nextMonth = LocalDate.now(ZoneOffset.UTC)
                .withDayOfMonth(1)
                .plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        assertThat(Instant.parse(refused.json().path("error").path("resets_at").asText()))
                .isEqualTo(nextMonth);
        JsonNode row = userRow("gus");
        assertThat(row.path("cost_usd_this_month").asDouble()).isEqualTo(0.75);
        assertThat(row.path("quota").path("usd_per_month").asDouble()).isEqualTo(0.5);
    }

    @Test
    void usersListMarksTheAdmins() {
        String listed = users("list");
        assertThat(listed.lines().filter(l -> l.startsWith("root\t")))
                .singleElement()
                .asString()
                .endsWith("\tadmin");
        assertThat(listed.lines().filter(l -> l.startsWith("alice\t")))
                .singleElement()
                .asString()
                .doesNotContain("admin");
    }

    @Test
    void usersAddAdminGoesWithAPersonOnly() {
        usersExiting(2, "add", "wa", "--admin", "--worker");
        usersExiting(2, "revoke", "alice", "--admin");
    }

    private static Http newUser(String name) {
        Http.Response made = admin.post("/api/admin/users", Map.of("name", name));
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return server.http().withBearer(made.json().path("token").asText());
    }

    private static void setQuota(String name, String body) {
        Http.Response r =
                admin.request("PUT", "/api/admin/users/" + name + "/quota", "application/json", Http.bytes(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode users() {
        Http.Response r = admin.get("/api/admin/users");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().path("users");
    }

    private static JsonNode userRow(String name) {
        return StreamSupport.stream(users().spliterator(), false)
                .filter(u -> u.path("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name));
    }
}
