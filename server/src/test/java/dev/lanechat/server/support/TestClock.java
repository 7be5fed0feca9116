package dev.lanechat.server.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The system's UTC clock plus an offset the test moves forward: time goes on as usual (stamps keep
 * their order), and a lease or an expiry runs out at once when the test says so, without a sleep.
 */
public final class TestClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    /** Moves this clock {@code by} ahead of the system's. */
    public void advance(Duration by) {
        ahead = ahead.plus(by);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return zone.equals(ZoneOffset.UTC) ? this : Clock.offset(Clock.system(zone), ahead);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(ahead);
    }
}
