package dev.lanechat.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RESULTS.md: the machine, the targets, then one section per scenario (what it does, the command,
 * the run it comes from, its table, notes, charts and failed runs); and the facts of a run (commit,
 * load average) the sections name.
 */
final class ResultsFile {
    private ResultsFile() {}

    static final Map<Integer, String> ABOUT = Map.of(
            1,
                    "The same tasks (demo lane thinking 100 ms, the peers' timer 100 ms), submitted at a steady rate, are "
                            + "received at once by one subscribed socket AND by the polling fallback (GET of the task every "
                            + "1000 ms, the web client's interval, at a random phase, until it is done). Latency is from the "
                            + "task's completion stamp (`updated_at`) to receipt. The rate stays under the demo lane's "
                            + "capacity (4 workers).",
            2,
                    "10,000 subscribed sockets in two shapes. **10,000 users × 1 socket** (token mode; each event goes "
                            + "to its user's one socket, so events/s = deliveries/s: the issue's 1k, 5k and 10k events per "
                            + "second) and **1 user × 10,000 sockets** (open mode; each event goes to every socket: the widest "
                            + "fan-out, one event = 10,000 frames). Lanechat's fan-out is per user, like the peers' here. Per event each "
                            + "target writes every socket one frame (Lanechat: the `update`; the demo answer is almost always ready before its "
                            + "preview would go out, and a ready answer's preview is not sent). Each "
                            + "step submits tasks (one event each) paced by the clock for 10 s, at most 256 submits in flight "
                            + "(the ladder starts with one such step at its first rate, unrecorded, to warm the target up): "
                            + "a server that cannot take the rate gets fewer (\"events/s sent\"). Latency: the task's "
                            + "completion stamp → each socket's receipt. A ladder stops once p99 passes 2 s, more than 1 % of "
                            + "deliveries go missing, or under 90 % of the rate could be sent (the generator's HTTP "
                            + "submits share the 2 cores with the server: see both CPU columns). For "
                            + "Lanechat, \"server push lag p99\" (from /metrics: commit → frame written) separates the push "
                            + "from the commit, which is where most of its latency is: every task is two transactions on "
                            + "SQLite's one writer (those queued behind a commit share the next one's fsync), and high "
                            + "on the ladder the server's CPU is full.",
            3,
                    "Generator processes (each its own JVM, its own 127.0.0.x source address) open subscribed sockets until "
                            + "refused; then the server's heap after a full GC, and 2 s later its RSS (a JVM gives memory back "
                            + "in a background task after the collection; every target gets the same wait), are read and "
                            + "divided by the sockets (minus the same figures before). Connect rate: sockets subscribed ÷ the "
                            + "time until every generator has its answer for each socket it tried, refusals past the limit "
                            + "included (a server that leaves those waiting makes it longer). THE LIMIT HERE: the open-file limit is 20,000 per process and "
                            + "cannot be raised on this machine, so no server process (Lanechat or peer) can hold more than "
                            + "~19,900 sockets; the per-socket memory is what to extrapolate from.",
            4,
                    "Tasks submitted over HTTP with a fixed number in flight (Lanechat: conversations of 10 messages, made "
                            + "before the clock starts), demo lane with no delay, one socket receives every event. tasks/s = "
                            + "events received ÷ (last receipt − first submit). Each target first runs the same load, "
                            + "unrecorded, to warm it up: a peer for one pass of at least "
                            + Throughput.WARM_UP_SECONDS
                            + " s (at most 50,000 tasks); Lanechat in such passes until one's JIT time (the server's "
                            + "jvm_compilation_time_ms_total) is under "
                            + Math.round(100 * Throughput.JIT_DONE_SHARE)
                            + " % of one core, for at most "
                            + Throughput.MAX_WARM_UP_SECONDS
                            + " s (a cold JVM spent about half its CPU in the JIT compilers, and after one 20 s pass C2 "
                            + "was still at work through Lanechat's measured pass on a slower machine); the "
                            + "measured pass then lasts "
                            + Throughput.MEASURED_SECONDS
                            + " s and at least 5,000 tasks (at most 50,000). The submits: 32 HTTP/1.1 keep-alive "
                            + "connections, one submit in flight on each, the next sent as soon as the answer is read, "
                            + "all driven by one thread over one selector. The generator's CPU per task is beside the server's; a row whose "
                            + "generator used at least the server's CPU on a full machine says generator-limited, and "
                            + "a ratio against it is no figure.",
            5,
                    "10,000 sockets of 10,000 users (token mode: a deployment's sockets belong to many people; with all "
                            + "of them one user, each event would be 10,000 frames and the run would measure that broadcast, not "
                            + "the reconnect), subscribed with protocol.md's reconnect (1 s backoff + ≤ 20 % jitter, doubling, "
                            + "capped at 30 s) and `since`; tasks keep coming (20/s, spread over the users); then every socket "
                            + "is dropped at once. A handshake without "
                            + "`ready` after 30 s is abandoned and retried with the backoff. Counted: time until every socket "
                            + "has its `ready` again (the window is 240 s), and events lost among the sockets that resumed "
                            + "(gaps in the per-user ids, or not received by the end; must be 0). A socket still out at the "
                            + "window's end is counted as not resumed.");

    /**
     * Writes RESULTS.md: the machine, then one section per scenario. A run of some scenarios
     * replaces their sections and keeps the others from the file as it was (each section names the
     * run it comes from).
     */
    static void write(Bench bench) throws Exception {
        Path file = bench.out.resolve("RESULTS.md");
        Map<Integer, String> earlier = Files.exists(file) ? sections(Files.readString(file)) : Map.of();
        StringBuilder md = new StringBuilder();
        md.append("# Lanechat benchmarks\n\n");
        md.append("Written by `bench/run.sh` (")
                .append(bench.p.name())
                .append(" sizes). Each section names the command and ")
                .append(
                        "the run it comes from: a run of some scenarios (`--scenarios 2,5`) rewrites their sections and ")
                .append("keeps the others.\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPUs (`nproc`) | ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| JDK | ")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.runtime.version"))
                .append(" |\n");
        md.append("| Node | ")
                .append(safe(() ->
                        Proc.run(List.of("node", "-v"), Duration.ofSeconds(10)).strip()))
                .append(" |\n");
        md.append("| OS | ")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append(" |\n");
        md.append("| open files per process | 20,000 (hard limit of this machine) |\n");
        md.append("| network | loopback only (127.0.0.0/8); generator, servers and peers share the CPUs |\n\n");
        md.append(
                "Targets: **lanechat-sqlite** / **lanechat-postgres** (the server jar, `java -jar lanechat-server.jar serve`, "
                        + "its own JVM with default flags), **node-ws** (`bench/peers/server.js --kind ws`, ws 8.23.0) and "
                        + "**socket.io** (`--kind socketio`, socket.io 4.8.4, websocket transport only).\n\n");
        md.append("**The peers do less work than Lanechat.** A peer keeps its tasks and its event log in memory: no "
                + "durable log, no database, no transaction; a timer completes a task. Lanechat commits the user message, "
                + "the pending answer and the task, handed to an idle runner, in one transaction, and the result, the "
                + "answer and the event-log row in a second before it pushes (its one writer commits what is queued "
                + "together, one fsync each time). A peer restart loses every event.\n\n");
        md.append(
                "Load generator: Jetty 12.1.12's WebSocket client (one selector, a few KB per socket; the JDK's "
                        + "`java.net.http` WebSocket would cost ~100 KB a socket), HTTP by Jetty's HttpClient too (HTTP/1.1 keep-alive, "
                        + "a few pooled threads; `java.net.http` made a thread per response on 2 cores). Each table shows the "
                        + "generator's own CPU (cores used, from `OperatingSystemMXBean`) beside the server's (from /proc); when "
                        + "the two together fill the machine the row says so, and then the figure is a limit of this one "
                        + "machine, not of the server alone. Timestamps: Lanechat stamps `updated_at` in microseconds at the start "
                        + "of the completing write transaction (so its completion→receipt figures include the commit itself; "
                        + "/metrics' stamp→commit histogram shows that part); the peers stamp in microseconds when their timer fires.\n\n");
        md.append("Server-side figures come from Lanechat's `GET /metrics` (see the README's Metrics section).\n\n");
        for (int s = 1; s <= 5; s++) {
            Table t = bench.tables.get(s);
            if (t == null) {
                md.append(earlier.getOrDefault(s, ""));
                continue;
            }
            md.append("## ").append(t.title).append("\n\n");
            md.append(ABOUT.get(s)).append("\n\n");
            md.append("Command: `bench/run.sh --scenarios ")
                    .append(s)
                    .append(bench.p.name().equals("smoke") ? " --smoke" : "")
                    .append("` (")
                    .append(bench.timings.getOrDefault(s, "?"))
                    .append(")\n\n");
            md.append(t.markdown()).append('\n');
            for (String n : t.notes) {
                md.append("- ").append(n).append('\n');
            }
            if (!t.notes.isEmpty()) {
                md.append('\n');
            }
            for (String b : t.blocks) {
                md.append(b).append('\n');
            }
            for (String c : bench.charts) {
                if (c.startsWith(s + ":")) {
                    md.append("![")
                            .append(t.title)
                            .append("](")
                            .append(c.substring(c.indexOf(':') + 1))
                            .append(")\n\n");
                }
            }
            List<String> failed = bench.pool.failures.getOrDefault(s, List.of());
            if (!failed.isEmpty()) {
                md.append("Runs that failed in this scenario:\n\n");
                failed.forEach(f -> md.append("- ")
                        .append(f.length() > 600 ? f.substring(0, 600) + "…" : f)
                        .append('\n'));
                md.append('\n');
            }
        }
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    /** The "## N. …" sections of an earlier RESULTS.md, by scenario number, each up to the next "## ". */
    static Map<Integer, String> sections(String md) {
        Map<Integer, String> out = new LinkedHashMap<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(?m)^## (\\d)\\. ").matcher(md);
        while (m.find()) {
            int from = m.start();
            int to = md.indexOf("\n## ", m.end());
            out.put(Integer.parseInt(m.group(1)), to < 0 ? md.substring(from) : md.substring(from, to + 1));
        }
        return out;
    }

    /** The commit the bench runs at, "-dirty" when the tree has changes besides the bench's own output. */
    static String commit() {
        return safe(() -> {
            String head = Proc.run(List.of("git", "rev-parse", "--short", "HEAD"), Duration.ofSeconds(10))
                    .strip();
            String changed = Proc.run(
                            List.of(
                                    "git",
                                    "status",
                                    "--porcelain",
                                    "--untracked-files=no",
                                    "--",
                                    ".",
                                    ":(exclude)bench/RESULTS.md",
                                    ":(exclude)bench/*.png"),
                            Duration.ofSeconds(10))
                    .strip();
            return changed.isEmpty() ? head : head + "-dirty";
        });
    }

    interface Supplier {
        String get() throws Exception;
    }

    static String safe(Supplier s) {
        try {
            return s.get();
        } catch (Exception e) {
            return "?";
        }
    }

    /** The 1-minute load average (runnable threads of the whole machine, other users' included). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "?";
        }
    }

    static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return "?";
    }
}
