package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** Token-mode users for tests, made the way an admin makes them: {@code lanechat users add|revoke}. */
final class TokenUsers {
    private TokenUsers() {}

    /** Runs {@code users add NAME --data-dir DIR} and returns the token printed alone on its last line. */
    static String add(Path dataDir, String name) {
        return add(name, "--data-dir", dataDir.toString());
    }

    /** {@code users add NAME} on the store these flags name ({@code --data-dir D} or {@code --db URL}). */
    static String add(String name, String... storeFlags) {
        List<String> args = new java.util.ArrayList<>(List.of("add", name));
        args.addAll(List.of(storeFlags));
        String out = run(0, args.toArray(String[]::new));
        String[] lines = out.strip().split("\\R");
        String token = lines[lines.length - 1].strip();
        assertThat(token).as("token line of: " + out).startsWith("lc_").doesNotContain(" ");
        return token;
    }

    /** Where {@code users} commands find a running server's store: its data dir, or its PostgreSQL database. */
    static String[] storeFlags(dev.lanechat.server.support.TestServer server, Path dataDir) {
        return server.dbUrl() == null
                ? new String[] {"--data-dir", dataDir.toString()}
                : new String[] {"--db", server.dbUrl()};
    }

    static void revoke(Path dataDir, String name) {
        run(0, "revoke", name, "--data-dir", dataDir.toString());
    }

    /** Runs the users command, asserts its exit code, returns what it printed on stdout. */
    static String run(int expectedExit, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = UsersCommand.run(
                List.of(args),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Clock.systemUTC());
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit)
                .as("users " + String.join(" ", args) + "\nout: " + printed + "\nerr: "
                        + err.toString(StandardCharsets.UTF_8))
                .isEqualTo(expectedExit);
        return printed;
    }
}
