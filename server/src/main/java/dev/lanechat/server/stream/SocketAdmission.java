package dev.lanechat.server.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which sockets this server takes in, so that nobody can lock the others out: a socket that has
 * not authenticated yet (it means to send a token in its subscribe frame) is <em>pending</em>,
 * and pending sockets have a small cap of their own, in all and per client address; once a
 * socket authenticates it leaves the pending counts and counts against {@code --max-sockets}
 * (authenticated sockets only) and against its user's own cap. Every count is taken with an
 * atomic check-and-increment, and each {@link Place} gives back what it holds exactly once.
 */
final class SocketAdmission {
    private static final long RETRY_MS = 5_000;

    /** Why a socket was not taken in; each is answered with {@code over_capacity} and 1013. */
    enum Refusal {
        SERVER_FULL("The server holds as many sockets as it can; retry later."),
        USER_FULL("This user holds as many sockets as it may; close one, or retry later."),
        PENDING_FULL("Too many sockets are waiting to authenticate; retry later."),
        ADDRESS_FULL("Too many sockets from this address are waiting to authenticate; retry later.");

        final String message;

        Refusal(String message) {
            this.message = message;
        }
    }

    private final int maxSockets;
    private final int maxPerUser;
    private final int maxPending;
    private final int maxPendingPerAddress;
    private final AtomicInteger authenticated = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, Integer> byUser = new ConcurrentHashMap<>();
    private final Map<String, Integer> pendingByAddress = new ConcurrentHashMap<>();

    SocketAdmission(int maxSockets, int maxPerUser, int maxPending, int maxPendingPerAddress) {
        this.maxSockets = maxSockets;
        this.maxPerUser = maxPerUser;
        this.maxPending = maxPending;
        this.maxPendingPerAddress = maxPendingPerAddress;
    }

    /** The {@code retry_after_ms} of a refusal: 5 to 10 s, spread so that refused clients do not return together. */
    static long retryAfterMs() {
        return RETRY_MS + ThreadLocalRandom.current().nextLong(RETRY_MS);
    }

    /** A place for a new socket, counted nowhere yet: {@link Place#holdPending} or {@link Place#authenticate} next. */
    Place place() {
        return new Place();
    }

    /** One socket's share of the counts: pending (by address), then authenticated (by user), then given back. */
    final class Place {
        private String address;
        private String user;
        private boolean released;

        /** Counts the socket as pending, from {@code clientAddress}; null when admitted, else the refusal. */
        synchronized Refusal holdPending(String clientAddress) {
            if (released || address != null || user != null) {
                throw new IllegalStateException("a place is held pending once, before anything else");
            }
            if (!increment(pending, maxPending)) {
                released = true;
                return Refusal.PENDING_FULL;
            }
            if (!increment(pendingByAddress, clientAddress, maxPendingPerAddress)) {
                pending.decrementAndGet();
                released = true;
                return Refusal.ADDRESS_FULL;
            }
            address = clientAddress;
            return null;
        }

        /**
         * Counts the socket as {@code userId}'s, leaving the pending counts; null when admitted,
         * else the refusal (the place then holds nothing). A place already released (the socket
         * closed meanwhile) admits nothing.
         */
        synchronized Refusal authenticate(String userId) {
            if (released || user != null) {
                return released ? Refusal.SERVER_FULL : null;
            }
            Refusal refusal = null;
            if (!increment(byUser, userId, maxPerUser)) {
                refusal = Refusal.USER_FULL;
            } else if (!increment(authenticated, maxSockets)) {
                decrement(byUser, userId);
                refusal = Refusal.SERVER_FULL;
            }
            releasePending();
            if (refusal == null) {
                user = userId;
            } else {
                released = true;
            }
            return refusal;
        }

        /** Gives back whatever this place holds; later calls do nothing. */
        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            releasePending();
            if (user != null) {
                decrement(byUser, user);
                authenticated.decrementAndGet();
            }
        }

        private void releasePending() {
            if (address != null) {
                decrement(pendingByAddress, address);
                pending.decrementAndGet();
                address = null;
            }
        }
    }

    private static boolean increment(AtomicInteger count, int max) {
        while (true) {
            int now = count.get();
            if (now >= max) {
                return false;
            }
            if (count.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    private static boolean increment(Map<String, Integer> counts, String key, int max) {
        boolean[] taken = {false};
        counts.compute(key, (k, now) -> {
            int n = now == null ? 0 : now;
            if (n >= max) {
                return now;
            }
            taken[0] = true;
            return n + 1;
        });
        return taken[0];
    }

    private static void decrement(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, now) -> now <= 1 ? null : now - 1);
    }
}
