package dev.lanechat.server.store;

import java.util.UUID;

/**
 * Ids for the rows that every send inserts (its conversation's, its messages, its task): UUIDs of
 * version 7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds and whose other 74
 * bits are a version-4 UUID's random ones (SecureRandom, as before).
 *
 * <p>Why (issue 15): a table's primary-key index, and the indexes that lead with a conversation's
 * id, take a random UUID at a random page, so every task dirtied pages all over them, and each
 * commit wrote each of those pages to the WAL (and a checkpoint wrote it again). Ids that grow with
 * time land at the right edge of the index, in the pages the batch before dirtied too: the SQL of
 * scenario 4's tasks alone wrote 7.6 WAL pages per task with random ids and 4.4 with these
 * (bench/profiles/session29-writepath.md). They are still opaque UUID strings (protocol.md), no
 * easier to guess than a session's lifetime of sends, and tell nothing that the row's
 * {@code created_at} does not.
 */
public final class TimeOrderedIds {
    private static final long VERSION_7 = 0x7000L;

    /** The 12 random bits the version-4 UUID keeps in its high half after the time and the version. */
    private static final long RANDOM_A = 0x0FFFL;

    private TimeOrderedIds() {}

    /** A new id, as text. */
    public static String next() {
        UUID random = UUID.randomUUID(); // its low half keeps the RFC variant bits (10)
        long high = (System.currentTimeMillis() << 16) | VERSION_7 | (random.getMostSignificantBits() & RANDOM_A);
        return new UUID(high, random.getLeastSignificantBits()).toString();
    }
}
