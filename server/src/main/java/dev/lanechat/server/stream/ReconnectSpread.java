package dev.lanechat.server.stream;

/**
 * When each socket that a stopping server closes is asked to come back: the {@code
 * retry_after_ms} of its {@code shutting_down} error frame, which clients honour as the least
 * wait before their next try (protocol.md).
 *
 * <p>All at one second, every client of a restarting server came back within the same 200 ms
 * (the backoff's jitter), before the new process listened or into its first, cold seconds; most
 * failed and fell to the 2 s and 4 s steps, and a restart with 10,000 sockets took 12–19 s to
 * resume them all. Spread evenly from one second at {@value #PER_SECOND} sockets a second (about
 * what a freshly started server on 2 cores takes), they arrive as it can take them. A server with
 * a few sockets asks what it always did: about one second.
 */
final class ReconnectSpread {
    static final long FIRST_MS = 1_000;
    static final int PER_SECOND = 2_000;
    /** The last socket is asked to wait no longer than the backoff's cap. */
    static final long MOST_MS = 30_000;

    private ReconnectSpread() {}

    /** The retry_after_ms for the {@code index}-th socket closed (0-based). */
    static long retryAfterMs(int index) {
        return Math.min(MOST_MS, FIRST_MS + (long) index * 1_000 / PER_SECOND);
    }
}
