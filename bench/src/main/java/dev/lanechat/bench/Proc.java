package dev.lanechat.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A child process (server, peer or generator) whose output is scanned for its ready line. */
final class Proc implements AutoCloseable {
    final Process process;
    final List<String> command;
    final Path logFile;
    private final CompletableFuture<String> ready = new CompletableFuture<>();
    private final List<Consumer<String>> lineListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Proc(List<String> command, Path dir, Path logFile, Pattern readyLine) throws IOException {
        this.command = command;
        this.logFile = logFile;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        process = pb.start();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(
                                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                            var out = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            out.write(line);
                            out.newLine();
                            out.flush();
                            Matcher m = readyLine.matcher(line);
                            if (!ready.isDone() && m.find()) {
                                ready.complete(m.groupCount() > 0 ? m.group(1) : line);
                            }
                            for (Consumer<String> l : lineListeners) {
                                l.accept(line);
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    ready.completeExceptionally(new IllegalStateException("process ended before it was ready: "
                            + command + " (see " + logFile + "; its last lines: " + tail(logFile, 3) + ")"));
                },
                "proc-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** The last {@code n} non-blank lines of a log, joined (the cause of an early exit is usually there). */
    static String tail(Path log, int n) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()))
                    .strip();
        } catch (IOException | RuntimeException e) {
            return "(unreadable)";
        }
    }

    static Proc start(List<String> command, Path dir, Path logFile, Pattern readyLine) throws IOException {
        return new Proc(command, dir, logFile, readyLine);
    }

    void onLine(Consumer<String> listener) {
        lineListeners.add(listener);
    }

    /** Waits for the ready line; returns its first group (e.g. the URL). */
    String awaitReady(Duration timeout) throws Exception {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("not ready after " + timeout + ": " + command + " (see " + logFile + ")");
        }
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size, bytes (Linux /proc), or -1. */
    long rssBytes() {
        return rssOf(pid());
    }

    static long rssOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** CPU time (user + system) of the process, ns (Linux /proc; clock ticks of 10 ms). */
    long cpuNanos() {
        return cpuOf(pid());
    }

    static long cpuOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L; // USER_HZ 100
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Asks the process to stop (SIGTERM), waits, then kills it. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out;
        CompletableFuture<String> text = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        try {
            out = text.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            out = "";
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + ": " + command + ": " + out.strip());
        }
        return out;
    }

    static List<String> list(String... words) {
        return new ArrayList<>(List.of(words));
    }
}
