package dev.lanechat.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A generator process of the 100,000-socket run ({@link HundredK}): opens COUNT sockets to one
 * node from source address BIND, socket {@code i} subscribing as user {@code i % users} with that
 * user's token (line {@code i % users} of TOKENS), and records every {@code task.completed} update
 * it receives. One process holds at most ~19,900 sockets here (the open-file limit), so the run
 * uses one generator per node.
 *
 * <p>Prints {@code RAMPED live=N failed=M ms=T [err=…]} once the sockets are up; then, for each
 * {@code report FILE} line on stdin, writes one {@code user TAB task_id TAB received-µs} line per
 * recorded completion to FILE and prints {@code REPORT live=N completions=C gaps=G duplicates=D
 * closed=X retried=R}. A socket whose handshake fails or that drops reconnects as protocol.md
 * says (backoff, {@code since}: nothing is lost); the failed handshakes and the resumes are counted,
 * not hidden.
 * Usage: SpreadHold WS_URI TOKENS COUNT BIND IN_FLIGHT (handshakes at once)
 */
public final class SpreadHold {
    private SpreadHold() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        List<String> tokens = Files.readAllLines(Path.of(args[1]), StandardCharsets.UTF_8);
        int count = Integer.parseInt(args[2]);
        String bind = args[3];
        int inFlight = Integer.parseInt(args[4]);
        // Room for a few completions per socket: the driver sends one message per user per round.
        Recorder completions = new Recorder(count * 4 + 1000, "task.completed");
        try (Gen gen = new Gen(bind)) {
            Gen.Endpoint endpoint = new Gen.Endpoint(uri, Gen.Proto.PLAIN, tokens.size(), tokens::get);
            long t0 = System.nanoTime();
            List<Gen.Stream> streams =
                    gen.openMany(endpoint, count, completions, inFlight, Duration.ofMinutes(15), true);
            long timeouts =
                    streams.stream().mapToLong(s -> s.handshakeTimeouts.get()).sum();
            System.out.println(Hold.ramped(
                    streams,
                    count,
                    (System.nanoTime() - t0) / 1_000_000,
                    " handshake_timeouts=" + timeouts + " retried=" + retried(streams)));
            System.out.flush();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("report ")) {
                        report(streams, completions, Path.of(line.substring(7).trim()));
                    }
                }
            }
        }
        System.exit(0);
    }

    /** Streams that had a handshake fail (an error, or no ready in 30 s) before their first ready. */
    private static long retried(List<Gen.Stream> streams) {
        return streams.stream().filter(s -> s.lastError != null).count();
    }

    private static void report(List<Gen.Stream> streams, Recorder completions, Path file) throws Exception {
        int n = completions.size();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (int i = 0; i < n; i++) {
                long key = completions.eventIds[i];
                out.println(
                        (key >>> 40) + "\t" + completions.taskOfEvent.get(key) + "\t" + completions.receivedMicros[i]);
            }
        }
        long live = streams.stream().filter(s -> s.live).count();
        long gaps = streams.stream().mapToLong(s -> s.gaps.get()).sum();
        long duplicates = streams.stream().mapToLong(s -> s.duplicates.get()).sum();
        long closed = streams.stream().mapToLong(s -> s.closes.get()).sum();
        System.out.println("REPORT live=" + live + " completions=" + n + " gaps=" + gaps + " duplicates=" + duplicates
                + " closed=" + closed + " overflow=" + completions.overflow.sum());
        System.out.flush();
    }
}
