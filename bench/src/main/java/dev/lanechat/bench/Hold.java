package dev.lanechat.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A generator process for the capacity scenario: opens COUNT subscribed sockets from source
 * address BIND, prints "RAMPED live=N failed=M ms=T [err=…]", then "live=N" every second while it
 * holds them for SECONDS (or until killed). One process holds at most ~19,900 sockets here (the
 * open-file limit is 20,000 per process), so the capacity run uses several.
 * Usage: Hold WS_URI PLAIN|SOCKETIO COUNT BIND SECONDS
 */
public final class Hold {
    private Hold() {}

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Gen.Proto proto = Gen.Proto.valueOf(args[1]);
        int count = Integer.parseInt(args[2]);
        String bind = args[3];
        int seconds = Integer.parseInt(args[4]);
        try (Gen gen = new Gen(bind)) {
            long t0 = System.nanoTime();
            List<Gen.Stream> streams = gen.openMany(
                    Gen.Endpoint.openMode(uri, proto), count, null, 256, Duration.ofSeconds(seconds), false);
            System.out.println(ramped(streams, count, (System.nanoTime() - t0) / 1_000_000, ""));
            System.out.flush();
            // "shed N" on stdin closes N sockets: a server at its open-file limit cannot answer the
            // HTTP call that reads its memory, so the parent frees a few descriptors first.
            Thread shed = new Thread(
                    () -> {
                        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in))) {
                            String line;
                            while ((line = in.readLine()) != null) {
                                if (line.startsWith("shed ")) {
                                    int n = Integer.parseInt(line.substring(5).trim());
                                    streams.stream()
                                            .filter(s -> s.live)
                                            .limit(n)
                                            .forEach(s -> {
                                                s.live = false;
                                                s.close();
                                            });
                                    Thread.sleep(500);
                                    System.out.println("SHED live="
                                            + streams.stream()
                                                    .filter(s -> s.live)
                                                    .count());
                                    System.out.flush();
                                }
                            }
                        } catch (Exception e) {
                            // parent gone
                        }
                    },
                    "shed");
            shed.setDaemon(true);
            shed.start();
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                System.out.println(
                        "live=" + streams.stream().filter(s -> s.live).count());
                System.out.flush();
            }
        }
        System.exit(0);
    }

    /**
     * The line a generator process prints once its sockets are up: {@code RAMPED live=N failed=M
     * ms=T}, then {@code extra}, then the first failure's error if any.
     */
    static String ramped(List<Gen.Stream> streams, int attempted, long ms, String extra) {
        long live = streams.stream().filter(s -> s.live).count();
        String err = streams.stream()
                .filter(s -> !s.live && s.lastError != null)
                .map(s -> s.lastError)
                .findFirst()
                .orElse(null);
        return "RAMPED live=" + live + " failed=" + (attempted - live) + " ms=" + ms + extra
                + (err == null ? "" : " err=" + err.replace('\n', ' '));
    }
}
