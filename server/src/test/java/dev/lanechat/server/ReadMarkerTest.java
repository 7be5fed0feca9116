package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.auth.AuthMode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.Socket;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Answered while you were away" (protocol.md E8): each finished answer after a conversation's
 * read marker counts as unread in the list and the conversation; {@code POST …/read} moves the
 * marker forward and pushes {@code conversation.read} to every socket of the user; the count
 * survives a restart; another user can neither read nor move the marker.
 */
class ReadMarkerTest {
    @TempDir
    Path dataDir;

    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Http start() {
        server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).sendRate(1_000, 1_000));
        return server.http();
    }

    @Test
    void answersAreUnreadUntilMarkedAndTheMarkReachesEverySocket() {
        Http anonymous = start();
        String token = TokenUsers.add("alice", storeFlags());
        Http alice = anonymous.withBearer(token);
        String id = alice.createConversation().path("id").asText();
        assertThat(unread(alice, id)).isZero();

        alice.awaitTaskEnd(alice.send(id, "one").path("task_id").asText());
        alice.awaitTaskEnd(alice.send(id, "two").path("task_id").asText());
        assertThat(unread(alice, id)).isEqualTo(2);
        assertThat(alice.conversation(id).path("unread_count").asLong()).isEqualTo(2);

        Socket first = server.socket().send("{\"token\":\"" + token + "\"}");
        Socket second = server.socket().send("{\"token\":\"" + token + "\"}");
        first.ready();
        second.ready();

        // Read through the first answer only: one stays unread.
        JsonNode messages = alice.conversation(id).path("messages");
        String firstAnswer = messages.get(1).path("id").asText();
        Http.Response partly = alice.post("/api/conversations/" + id + "/read", Map.of("message_id", firstAnswer));
        assertThat(partly.status()).as(partly.body()).isEqualTo(200);
        assertThat(partly.json().path("unread_count").asLong()).isEqualTo(1);
        for (Socket socket : new Socket[] {first, second}) {
            JsonNode event = socket.update();
            assertThat(event.path("data").path("type").asText()).isEqualTo("conversation.read");
            assertThat(event.path("data").path("conversation_id").asText()).isEqualTo(id);
            assertThat(event.path("data").path("unread_count").asLong()).isEqualTo(1);
        }

        // Read through the newest (no body): none unread; again: nothing moves, no event.
        assertThat(markRead(alice, id).json().path("unread_count").asLong()).isZero();
        assertThat(first.update().path("data").path("unread_count").asLong()).isZero();
        assertThat(markRead(alice, id).json().path("unread_count").asLong()).isZero();
        // The marker never moves back.
        assertThat(alice.post("/api/conversations/" + id + "/read", Map.of("message_id", firstAnswer))
                        .json()
                        .path("unread_count")
                        .asLong())
                .isZero();
        // The next update the socket sees is the next answer's, not a second conversation.read.
        String next = alice.send(id, "three").path("task_id").asText();
        JsonNode after = first.update();
        while (!after.path("data").path("type").asText().startsWith("task.completed")) {
            assertThat(after.path("data").path("type").asText()).isNotEqualTo("conversation.read");
            after = first.update();
        }
        assertThat(after.path("data").path("task_id").asText()).isEqualTo(next);
        assertThat(unread(alice, id)).isEqualTo(1);
    }

    @Test
    void anAnswerThatLandsWhileNobodyIsConnectedKeepsItsBadgeThroughARestart() {
        // One store across the restart: this data dir, or a PostgreSQL database of the test's own.
        try (PgDatabase pg = TestServer.postgres() ? PgDatabase.create() : null) {
            server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).db(pg == null ? null : pg.jdbcUrl()));
            String token =
                    pg == null ? TokenUsers.add("alice", storeFlags()) : TokenUsers.add("alice", "--db", pg.jdbcUrl());
            Http alice = server.http().withBearer(token);
            String id = alice.createConversation().path("id").asText();
            alice.awaitTaskEnd(alice.send(id, "later").path("task_id").asText());
            server.close();
            server = TestServer.start(dataDir, b -> b.auth(AuthMode.TOKEN).db(pg == null ? null : pg.jdbcUrl()));
            assertThat(unread(server.http().withBearer(token), id)).isEqualTo(1);
            server.close();
            server = null;
        }
    }

    @Test
    void badMarksAreRefusedAndChangeNothing() {
        Http anonymous = start();
        Http alice = anonymous.withBearer(TokenUsers.add("alice", storeFlags()));
        Http bob = anonymous.withBearer(TokenUsers.add("bob", storeFlags()));
        String id = alice.createConversation().path("id").asText();
        alice.awaitTaskEnd(alice.send(id, "hello").path("task_id").asText());
        String other = alice.createConversation().path("id").asText();
        alice.awaitTaskEnd(alice.send(other, "elsewhere").path("task_id").asText());
        String otherAnswer =
                alice.conversation(other).path("messages").get(1).path("id").asText();

        assertError(markRead(bob, id), 404, "not_found");
        assertError(
                alice.post("/api/conversations/" + id + "/read", Map.of("message_id", otherAnswer)),
                400,
                "invalid_request");
        assertError(alice.post("/api/conversations/" + id + "/read", Map.of("message_id", 7)), 400, "invalid_request");
        assertError(
                alice.request("POST", "/api/conversations/" + id + "/read", "application/json", "{not json".getBytes()),
                400,
                "invalid_request");
        assertError(
                alice.request("POST", "/api/conversations/" + id + "/read", "text/plain", "x".getBytes()),
                415,
                "unsupported_media_type");
        assertError(markRead(anonymous, id), 401, "unauthenticated");
        assertThat(unread(alice, id)).isEqualTo(1);
        assertThat(unread(alice, other)).isEqualTo(1);
    }

    /** {@code POST …/read} with no body: read through the newest message. */
    private static Http.Response markRead(Http who, String id) {
        return who.request("POST", "/api/conversations/" + id + "/read", null, new byte[0]);
    }

    /** The conversation's unread count as the list reports it. */
    private static long unread(Http who, String id) {
        Http.Response list = who.get("/api/conversations");
        assertThat(list.status()).isEqualTo(200);
        for (JsonNode c : list.json()) {
            if (c.path("id").asText().equals(id)) {
                return c.path("unread_count").asLong();
            }
        }
        throw new AssertionError("conversation " + id + " is not in the list: " + list.body());
    }

    private String[] storeFlags() {
        return TokenUsers.storeFlags(server, dataDir);
    }
}
