// Test harness: the REAL Lanechat server, started from its jar as a separate process on a fresh
// data dir, killable with kill -9 and restartable on the same port and data.
package dev.lanechat.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

public final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Lanechat listening on (http://\\S+?)/?$");

    private final Path workDir;
    private final Path jar;
    private final Path dataDir;
    private final List<String> extraArgs;
    private final StringBuffer log = new StringBuffer();
    private Process process;
    private int port;
    private String url;

    /**
     * Copies the server jar (the server's developer rebuilds it in place) and prepares a fresh
     * data dir. Fails, never skips, when the jar is missing: these tests exist to run against it.
     */
    public ServerProcess(String... extraArgs) {
        String configured = System.getProperty("lanechat.server.jar", "../server/target/lanechat-server.jar");
        Path source = Paths.get(configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(source)) {
            throw new AssertionError(
                    "The Lanechat server jar is missing at " + source + ": build the server module first "
                            + "(in the reactor it is built before the client), or pass -Dlanechat.server.jar=PATH.");
        }
        try {
            workDir = Files.createTempDirectory("lanechat-client-it");
            jar = workDir.resolve("lanechat-server.jar");
            Files.copy(source, jar);
            dataDir = Files.createDirectories(workDir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.extraArgs = List.of(extraArgs);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on {@code port} (0: any free one) and waits for the "listening" line. */
    public ServerProcess start(int port) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("serve");
        cmd.add("--port");
        cmd.add(String.valueOf(port));
        cmd.add("--data-dir");
        cmd.add(dataDir.toString());
        cmd.addAll(extraArgs);
        CompletableFuture<String> listening = new CompletableFuture<>();
        try {
            process = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process p = process;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            log.append(line).append('\n');
                            Matcher m = LISTENING.matcher(line.trim());
                            if (m.find()) {
                                listening.complete(m.group(1));
                            }
                        }
                    } catch (IOException ended) {
                        // The process was killed: its output simply ends.
                    }
                    listening.completeExceptionally(new IllegalStateException("server output ended"));
                },
                "server-log");
        reader.setDaemon(true);
        reader.start();
        try {
            url = listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("the server did not report that it listens; command " + cmd + "\nlog:\n" + log, e);
        }
        this.port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        return this;
    }

    /**
     * Adds a token-mode user straight on the data dir ({@code users add NAME}).
     *
     * @return its API token
     */
    public String addUser(String name) {
        List<String> cmd = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "users",
                "add",
                name,
                "--data-dir",
                dataDir.toString());
        try {
            Process p = new ProcessBuilder(cmd)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("users add " + name + " failed: " + output);
            }
            List<String> lines = output.strip().lines().toList();
            return lines.get(lines.size() - 1).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** kill -9: no shutdown hook, no close frames, no flush. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts again on the same port and data dir. */
    public ServerProcess restart() {
        return start(port);
    }

    public String url() {
        return url;
    }

    public int port() {
        return port;
    }

    public String log() {
        return log.toString();
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException leftBehind) {
            // A temp dir left behind is harmless.
        }
    }
}
