package dev.lanechat.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shaded jar ({@code lanechat.server.jar}, set by failsafe) as a separate process: {@code java
 * -jar lanechat-server.jar serve --port P --data-dir D …}, its stdout and stderr in files. For the
 * crash and shutdown ITs: {@link #kill9()} is SIGKILL, {@link #terminate} SIGTERM.
 */
public final class JarServer implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Lanechat listening on (http://\\S+)");

    private final Process process;
    private final Path stdoutFile;
    private final Path stderr;
    private final URI base;
    private final Http http;

    private JarServer(
            Path work, Path dataDir, int port, String name, int openFiles, Map<String, String> env, String... flags)
            throws IOException {
        String jar = System.getProperty("lanechat.server.jar");
        assertThat(jar)
                .as("system property lanechat.server.jar (set by failsafe)")
                .isNotBlank();
        assertThat(Path.of(jar)).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        if (openFiles > 0) { // prlimit sets the limit and execs the JVM: the same process
            command.addAll(List.of("prlimit", "--nofile=" + openFiles + ":" + openFiles, "--"));
        }
        command.addAll(
                List.of(java, "-jar", jar, "serve", "--port", String.valueOf(port), "--data-dir", dataDir.toString()));
        command.addAll(List.of(flags));
        stderr = work.resolve(name + ".err");
        stdoutFile = work.resolve(name + ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectError(stderr.toFile()).redirectOutput(stdoutFile.toFile());
        builder.environment().keySet().removeIf(n -> n.startsWith("LANECHAT_") || n.equals("JDK_JAVA_OPTIONS"));
        builder.environment().putAll(env);
        process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String url = null;
        while (url == null) {
            for (String line : stdout()) {
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            if (url == null && (!process.isAlive() || System.nanoTime() > deadline)) {
                process.destroyForcibly();
                throw new AssertionError(
                        "server did not print its URL; stdout: " + stdout() + "\nstderr: " + Files.readString(stderr));
            }
            if (url == null) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        base = URI.create(url);
        http = new Http(base);
    }

    /** Starts the jar on {@code port} (0: any free one) over {@code dataDir}; logs go to {@code work}. */
    public static JarServer start(Path work, Path dataDir, int port, String name, String... flags) throws IOException {
        return new JarServer(work, dataDir, port, name, 0, Map.of(), flags);
    }

    /** As {@link #start}, the process limited to {@code openFiles} descriptors (prlimit). */
    public static JarServer startWithOpenFileLimit(Path work, Path dataDir, String name, int openFiles, String... flags)
            throws IOException {
        return new JarServer(work, dataDir, 0, name, openFiles, Map.of(), flags);
    }

    /** As {@link #start} on any free port, with {@code env} added to the process's environment. */
    public static JarServer startWithEnvironment(
            Path work, Path dataDir, String name, Map<String, String> env, String... flags) throws IOException {
        return new JarServer(work, dataDir, 0, name, 0, env, flags);
    }

    public long pid() {
        return process.pid();
    }

    public Http http() {
        return http;
    }

    public int port() {
        return base.getPort();
    }

    /** The lines the server printed on stdout so far (it goes to a file beside its stderr). */
    public List<String> stdout() {
        try {
            return new String(Files.readAllBytes(stdoutFile), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    public String stderr() throws IOException {
        return Files.readString(stderr);
    }

    /** Opens {@code /ws} (not yet subscribed). */
    public Socket socket(String... headers) {
        return Socket.open(URI.create("ws://127.0.0.1:" + port() + "/ws"), headers);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(20, TimeUnit.SECONDS))
                .as("dead after SIGKILL")
                .isTrue();
    }

    /** SIGTERM; returns once the process has exited (asserts it does within {@code seconds}). */
    public int terminate(int seconds) throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS))
                .as("exits within " + seconds + " s of SIGTERM")
                .isTrue();
        return process.exitValue();
    }

    public int exitValue() {
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
