package dev.lanechat.server.conversations;

import dev.lanechat.server.Rejection;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a walk through a user's conversations stands: {@code head} is the newest conversation
 * (by {@code updated_at}, then id) it has returned, {@code tail} the oldest. The next page takes
 * what changed after the head first, then what comes after the tail (see
 * {@link ConversationQueries#listPage}). On the wire it is opaque: base64url of both keys,
 * with a version so that a later format can refuse an old cursor with a clear error.
 */
record ListCursor(Key head, Key tail) {
    private static final String VERSION = "c1";
    private static final int MAX_CHARS = 512;
    private static final int MAX_ID_CHARS = 100;

    /** A position in the order {@code updated_at DESC, id DESC}. */
    record Key(String updatedAt, String id) {
        /** Whether this key sorts after {@code other} in time (newer, or as new with a greater id). */
        boolean newerThan(Key other) {
            int byTime = updatedAt.compareTo(other.updatedAt);
            return byTime > 0 || (byTime == 0 && id.compareTo(other.id) > 0);
        }

        static Key of(Conversation c) {
            return new Key(c.updatedAt(), c.id());
        }
    }

    String encode() {
        String text = String.join("\n", VERSION, head.updatedAt, head.id, tail.updatedAt, tail.id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor this server wrote; anything else is a 400 (a client must not make or edit one). */
    static ListCursor decode(String cursor) {
        if (cursor.length() > MAX_CHARS) {
            throw unknown();
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\n", -1);
        } catch (IllegalArgumentException e) {
            throw unknown();
        }
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            throw unknown();
        }
        return new ListCursor(key(parts[1], parts[2]), key(parts[3], parts[4]));
    }

    private static Key key(String updatedAt, String id) {
        // A stored time has 6 fraction digits (27 characters); one stored before issue 15, 3 (24).
        if (id.isEmpty() || id.length() > MAX_ID_CHARS || (updatedAt.length() != 27 && updatedAt.length() != 24)) {
            throw unknown();
        }
        try {
            Instant.parse(updatedAt);
        } catch (DateTimeParseException e) {
            throw unknown();
        }
        return new Key(updatedAt, id);
    }

    private static Rejection unknown() {
        return Rejection.invalid("\"before\" is not a cursor this server gave out; use the one from the last"
                + " page's Link or X-Next-Cursor header, or leave it out for the first page.");
    }
}
