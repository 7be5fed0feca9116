package dev.lanechat.server.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a user, a socket): {@code burst} actions at once, refilled at
 * {@code perSecond}. Answers how long to wait when the bucket is empty.
 */
public final class RateLimiter {
    private final double burst;
    private final double perNano;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** One key's tokens; also usable on its own (a per-connection limiter kept by its connection). */
    public static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimiter(int burst, double perSecond, LongSupplier nanoTime) {
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.nanoTime = nanoTime;
    }

    /** Takes one action for {@code key}: 0 when allowed, else the milliseconds until one is. */
    public long acquire(String key) {
        long now = nanoTime.getAsLong();
        return take(buckets.computeIfAbsent(key, k -> new Bucket(burst, now)), now);
    }

    /**
     * A bucket of its own, not kept by this limiter, that has already spent one token (for a
     * connection that makes it lazily at its second action).
     */
    public Bucket bucketAfterOne() {
        return new Bucket(burst - 1, nanoTime.getAsLong());
    }

    /** Takes one action from a bucket of {@link #bucketAfterOne()}: 0 when allowed, else the milliseconds until one is. */
    public long acquire(Bucket bucket) {
        return take(bucket, nanoTime.getAsLong());
    }

    private long take(Bucket bucket, long now) {
        synchronized (bucket) {
            // `now` was read before the lock: a thread descheduled in between comes in with a time
            // older than the bucket's, which must not take tokens away (under load, a burst of
            // 1,000,000 a minute answered 429 in the benchmark's scenario 4).
            if (now > bucket.at) {
                bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perNano);
                bucket.at = now;
            }
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perNano / 1e6));
        }
    }

    /**
     * Forgets every key whose bucket has filled up again: it would allow a full burst anyway, so
     * forgetting it changes no answer, and a limiter keyed by client address stays as small as
     * the addresses seen in the last refill time. Returns how many it forgot.
     */
    public int forgetFull() {
        long now = nanoTime.getAsLong();
        int[] forgotten = {0};
        buckets.entrySet().removeIf(e -> {
            Bucket bucket = e.getValue();
            synchronized (bucket) {
                boolean full = bucket.tokens + (now - bucket.at) * perNano >= burst;
                if (full) {
                    forgotten[0]++;
                }
                return full;
            }
        });
        return forgotten[0];
    }

    /** Forgets a key (a closed socket). */
    public void forget(String key) {
        buckets.remove(key);
    }
}
