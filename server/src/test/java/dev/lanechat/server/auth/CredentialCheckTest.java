package dev.lanechat.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanechat.server.store.Database;
import dev.lanechat.server.support.PgDatabase;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's answer to "which of these credentials stopped working", on a real store, with more
 * users than one chunk of the IN list holds: revoked and replaced tokens, ended, expired and
 * revoked users' sessions are found wherever they fall in the chunks; live ones and open mode's
 * local user never are.
 */
class CredentialCheckTest {
    private static final int USERS = 2 * CredentialCheck.CHUNK + 234;

    @TempDir
    Path dataDir;

    PgDatabase pg;
    Database database;
    Users users;
    Sessions sessions;
    CredentialCheck check;

    @BeforeEach
    void open() {
        pg = TestServer.postgres() ? PgDatabase.create() : null;
        database = Database.open(pg == null ? null : pg.jdbcUrl(), dataDir);
        users = new Users(database.jdbi(), Clock.systemUTC());
        sessions = new Sessions(database.jdbi(), Clock.systemUTC());
        check = new CredentialCheck(users, sessions);
    }

    @AfterEach
    void close() {
        database.close();
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void findsWhatStoppedWorkingAcrossChunks() {
        List<String> names = new ArrayList<>();
        List<Credential> tokens = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String name = "u" + i;
            names.add(name);
            String token = users.add(name);
            tokens.add(Credential.token(users.find(name).orElseThrow().id(), token));
        }
        List<Credential> browser = new ArrayList<>();
        List<String> sessionIds = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            User user = users.find(names.get(i * 200)).orElseThrow();
            String id = sessions.start(user);
            sessionIds.add(id);
            browser.add(Credential.session(user.id(), id));
        }
        Set<Credential> held = new HashSet<>(tokens);
        held.addAll(browser);
        held.add(Credential.local("the-local-user"));

        List<Long> tookMs = new ArrayList<>();
        CredentialCheck.Verdict allLive = null;
        for (int run = 0; run < 5; run++) {
            long started = System.nanoTime();
            allLive = check.check(held);
            tookMs.add((System.nanoTime() - started) / 1_000_000);
        }
        System.out.printf(
                "CredentialCheckTest [%s]: checked %d credentials of %d users in %s ms (5 runs)%n",
                TestServer.storeName(), held.size(), USERS, tookMs);
        assertThat(allLive.ended()).isEmpty();
        assertThat(allLive.revokedUsers()).isEmpty();

        // Revoked at the chunks' edges; one token replaced; one session logged out, one expired.
        List<Integer> revoked = List.of(0, CredentialCheck.CHUNK - 1, CredentialCheck.CHUNK, USERS - 1);
        revoked.forEach(i -> users.revoke(names.get(i)));
        users.revoke(names.get(7));
        users.add(names.get(7));
        sessions.end(sessionIds.get(2));
        database.jdbi()
                .useHandle(h -> h.createUpdate("UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' "
                                + "WHERE user_id = :user")
                        .bind("user", browser.get(3).userId())
                        .execute());

        CredentialCheck.Verdict verdict = check.check(held);
        Set<Credential> expected = new HashSet<>();
        revoked.forEach(i -> expected.add(tokens.get(i)));
        expected.add(tokens.get(7));
        expected.add(browser.get(0)); // user u0 was revoked: its session went with it
        expected.add(browser.get(2));
        expected.add(browser.get(3));
        assertThat(verdict.ended()).containsExactlyInAnyOrderElementsOf(expected);
        Set<String> revokedIds = new HashSet<>();
        revoked.forEach(i -> revokedIds.add(tokens.get(i).userId()));
        assertThat(verdict.revokedUsers()).containsExactlyInAnyOrderElementsOf(revokedIds);
    }

    @Test
    void nothingHeldOrOnlyTheLocalUserAsksNothing() {
        database.close(); // a query would fail now
        assertThat(check.check(Set.of()).ended()).isEmpty();
        assertThat(check.check(Set.of(Credential.local("local"))).ended()).isEmpty();
        database = Database.open(pg == null ? null : pg.jdbcUrl(), dataDir);
    }
}
