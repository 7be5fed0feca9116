package dev.lanechat.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linux-x64 download as a user gets it: the tarball ({@code lanechat.dist.tarball}, set by
 * failsafe) unpacked in a temporary folder, {@code bin/lanechat} run with a {@code PATH} that
 * reaches no {@code java} (checked) and no {@code JAVA_HOME}. The server starts on SQLite with the
 * sample lanes file and on PostgreSQL in token mode, and the bundled client sends a message and
 * prints the demo lane's answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TarballIT {
    private static final Pattern LISTENING = Pattern.compile("Lanechat listening on (http://\\S+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    // Unpacked once for the class (46 MB of gzip: a second or two each time): one instance, and
    // the class's temp folder (a @TempDir parameter of @BeforeAll).
    private Path work;
    private Path home;
    private Path path;
    private Path tmp;
    private final List<Process> servers = new ArrayList<>();

    @BeforeAll
    void unpack(@TempDir Path classFolder) throws Exception {
        work = classFolder;
        String tarball = System.getProperty("lanechat.dist.tarball");
        assertThat(tarball)
                .as("system property lanechat.dist.tarball (set by failsafe)")
                .isNotBlank();
        assertThat(Path.of(tarball)).exists();
        run(List.of("tar", "-xzf", tarball, "-C", work.toString()), System.getenv(), 60);
        String folder = Path.of(tarball).getFileName().toString().replace("-linux-x64.tar.gz", "");
        home = work.resolve(folder);
        assertThat(home.resolve("bin/lanechat")).isExecutable();
        assertThat(home.resolve("etc/lanes.yaml")).isRegularFile();
        assertThat(home.resolve("lib/systemd/lanechat.service")).isRegularFile();
        assertThat(home.resolve("etc/nginx/lanechat.conf")).isRegularFile();
        // The PATH the launcher gets: readlink alone (it follows symlinks with it when there is one).
        path = Files.createDirectory(work.resolve("path"));
        Files.createSymbolicLink(path.resolve("readlink"), Path.of("/usr/bin/readlink"));
        // And the launcher itself, linked as /usr/local/bin/lanechat would be.
        Files.createSymbolicLink(path.resolve("lanechat"), home.resolve("bin/lanechat"));
        tmp = Files.createDirectory(work.resolve("tmp"));
    }

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
    }

    /** The environment of every launcher run: nothing of the JDK the build used. */
    private Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of(
                "PATH",
                path.toString(),
                "HOME",
                work.toString(),
                "LANG",
                "C.UTF-8",
                "LANECHAT_JAVA_OPTS",
                "-Djava.io.tmpdir=" + tmp));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void javaIsNotReachableFromThePathTheLauncherGets() throws Exception {
        Result which = run(List.of("/bin/sh", "-c", "command -v java; echo \"JAVA_HOME=${JAVA_HOME:-}\""), env(), 10);
        assertThat(which.exitCode()).isZero();
        assertThat(which.output().strip()).as("command -v java finds nothing").isEqualTo("JAVA_HOME=");
        try (Stream<Path> files = Files.list(path)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("readlink", "lanechat");
        }
    }

    @Test
    void servesOnSqliteWithTheSampleLanesAndTheBundledClientGetsTheDemoAnswer() throws Exception {
        Process server = launch(
                List.of(
                        "serve",
                        "--port",
                        "0",
                        "--data-dir",
                        work.resolve("sqlite-data").toString(),
                        "--lanes",
                        home.resolve("etc/lanes.yaml").toString()),
                env(),
                "sqlite");
        String url = awaitUrl(server, "sqlite");
        assertThat(server.info().command())
                .as("the process is the bundled runtime's java")
                .contains(home.resolve("runtime/bin/java").toString());

        Result sent = run(
                List.of(path.resolve("lanechat").toString(), "send", "--url", url, "hello from the tarball"),
                env(),
                60); // through the symlink
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("You said: \"hello from the tarball\" (4 words).");

        // sqlite-jdbc loaded its library from lib/native: nothing was copied to the temp folder.
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("sqlite"));
        }
        // SIGTERM (what systemd sends) stops it cleanly, with the 143 the unit counts as success.
        server.destroy();
        assertThat(server.waitFor(20, TimeUnit.SECONDS))
                .as("exits within 20 s of SIGTERM")
                .isTrue();
        assertThat(server.exitValue()).isEqualTo(143);
        assertThat(Files.readString(work.resolve("sqlite.out"))).contains("Lanechat stopped");
        assertThat(Files.readString(home.resolve("lib/systemd/lanechat.service")))
                .contains("ExecStart=/opt/lanechat/bin/lanechat serve", "SuccessExitStatus=143");
    }

    @Test
    void servesOnPostgresqlInTokenModeWithAUserAddedByTheLauncher() throws Exception {
        String database = "lc_test_" + HexFormat.of().formatHex(randomBytes());
        admin("CREATE DATABASE " + database);
        try {
            String db = "postgresql://" + pgHost() + ":" + pgPort() + "/" + database + "?user=" + pgUser();
            Result added = run(
                    List.of(home.resolve("bin/lanechat").toString(), "users", "add", "alice", "--db", db), env(), 60);
            assertThat(added.exitCode()).as(added.output()).isZero();
            String token = added.output()
                    .strip()
                    .lines()
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .strip();

            Process server =
                    launch(List.of("serve", "--port", "0", "--auth", "token"), env("LANECHAT_DB", db), "postgres");
            String url = awaitUrl(server, "postgres");
            Result sent = run(
                    List.of(
                            home.resolve("bin/lanechat").toString(),
                            "send",
                            "--url",
                            url,
                            "--token",
                            token,
                            "hello postgres"),
                    env(),
                    60);
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            assertThat(sent.output()).contains("You said: \"hello postgres\" (2 words).");
            server.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private Process launch(List<String> args, Map<String, String> env, String name) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/lanechat").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        servers.add(process);
        return process;
    }

    private String awaitUrl(Process server, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(work.resolve(name + ".out")));
            if (m.find()) {
                return m.group(1).replaceAll("/$", "");
            }
            if (!server.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "bin/lanechat serve printed no URL; stdout: " + Files.readString(work.resolve(name + ".out"))
                        + "\nstderr: " + Files.readString(work.resolve(name + ".err")));
    }

    private record Result(int exitCode, String output) {}

    private Result run(List<String> command, Map<String, String> env, int seconds) throws Exception {
        Path out = Files.createTempFile(work, "run-", ".out");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end within " + seconds + " s: " + Files.readString(out));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    // The machine's PostgreSQL, as the server's tests find it (see server's support/PgDatabase).
    private static String pgHost() {
        return System.getProperty("lanechat.test.pg.host", "127.0.0.1");
    }

    private static int pgPort() {
        return Integer.getInteger("lanechat.test.pg.port", 5432);
    }

    private static String pgUser() {
        return System.getProperty("lanechat.test.pg.user", "postgres");
    }

    private static void admin(String sql) throws SQLException {
        String adminDb = Optional.ofNullable(System.getProperty("lanechat.test.pg.admin-db"))
                .orElse("test");
        try (Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://" + pgHost() + ":" + pgPort() + "/" + adminDb + "?user=" + pgUser());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
