package dev.lanechat.server.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/**
 * A small seeded generator for the fuzz tests, and the runner of their tries as JUnit dynamic tests.
 *
 * <p>The run's seed is the system property {@code fuzz.seed} if set, else the clock. Each try draws
 * from its own {@link SplittableRandom}, seeded from the run's seed, the property's name and the try
 * number, so one try gives the same inputs whatever ran before it. A failure names the seed, the try
 * and the inputs the try noted with {@link #show}; {@code -Dfuzz.seed=S} repeats the run, and
 * {@code -Dfuzz.try=N} as well runs only that try. After a property's first failure its remaining
 * tries are skipped (there is no shrinking: the inputs are printed as they were).
 */
public final class Fuzz {
    /** The seed of this run (one per JVM). */
    public static final long SEED = Long.getLong("fuzz.seed", System.currentTimeMillis());

    private static final Integer ONLY_TRY = Integer.getInteger("fuzz.try");

    /** The body of one try. */
    @FunctionalInterface
    public interface Try {
        void run(Fuzz fuzz) throws Throwable;
    }

    /** Where a string's characters come from: the next code point (or lone UTF-16 unit). */
    @FunctionalInterface
    public interface Alphabet {
        int next(Fuzz fuzz);
    }

    private final SplittableRandom random;
    private final int tryNumber;
    private final List<String> shown = new ArrayList<>();

    private Fuzz(long seed, int tryNumber) {
        this.random = new SplittableRandom(seed);
        this.tryNumber = tryNumber;
    }

    /** A generator on its own, for a test that needs random values outside {@link #tries}. */
    public static Fuzz of(long seed) {
        return new Fuzz(seed, 0);
    }

    /**
     * {@code count} tries of a property, numbered from 1, as dynamic tests: the seed is printed once
     * per property, and each failure is rethrown with the seed, the try number and the noted inputs.
     */
    public static Stream<DynamicTest> tries(String property, int count, Try body) {
        System.out.printf("fuzz %s: %d tries, seed %d (repeat with -Dfuzz.seed=%d)%n", property, count, SEED, SEED);
        AtomicInteger failedTry = new AtomicInteger();
        return IntStream.rangeClosed(1, count)
                .filter(n -> ONLY_TRY == null || ONLY_TRY == n)
                .mapToObj(n -> DynamicTest.dynamicTest("try " + n, () -> {
                    int failed = failedTry.get();
                    Assumptions.assumeTrue(
                            failed == 0, () -> "skipped: try " + failed + " of seed " + SEED + " failed");
                    Fuzz fuzz = new Fuzz(trySeed(SEED, property, n), n);
                    try {
                        body.run(fuzz);
                    } catch (TestAbortedException e) {
                        throw e;
                    } catch (Throwable e) {
                        failedTry.compareAndSet(0, n);
                        String message = property + ": try " + n + " of seed " + SEED
                                + " failed (repeat it with -Dfuzz.seed="
                                + SEED + " -Dfuzz.try=" + n + ")\n  inputs: " + String.join("\n          ", fuzz.shown)
                                + "\n  " + e;
                        System.out.println("fuzz " + message);
                        throw new AssertionError(message, e);
                    }
                }));
    }

    private static long trySeed(long seed, String property, int tryNumber) {
        return mix(seed ^ mix(property.hashCode() + 0x9E3779B97F4A7C15L) ^ mix(tryNumber * 0xC2B2AE3D27D4EB4FL));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** This try's number, from 1. */
    public int tryNumber() {
        return tryNumber;
    }

    /** Notes an input for the failure message (abbreviated) and returns it. */
    public <T> T show(String name, T value) {
        shown.add(name + " = " + render(value));
        return value;
    }

    private static String render(Object value) {
        String s;
        if (value instanceof byte[] bytes) {
            StringBuilder b = new StringBuilder(bytes.length + " bytes: ");
            for (int i = 0; i < Math.min(bytes.length, 200); i++) {
                b.append(String.format("%02x", bytes[i] & 0xff));
            }
            s = b.toString();
        } else if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            list.forEach(item -> items.add(render(item)));
            s = items.toString();
        } else {
            s = String.valueOf(value);
        }
        return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + " chars)" : s;
    }

    // ---- values ----

    public boolean bool() {
        return random.nextBoolean();
    }

    /** A number in {@code [min, max]}; one time in ten an end of the range. */
    public int between(int min, int max) {
        if (min == max) {
            return min;
        }
        int r = random.nextInt(20);
        if (r == 0) {
            return min;
        }
        if (r == 1) {
            return max;
        }
        return (int) random.nextLong(min, (long) max + 1);
    }

    /** Any long; often one of the edges (0, ±1, the extremes). */
    public long anyLong() {
        return random.nextInt(5) == 0 ? oneOf(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE) : random.nextLong();
    }

    /** Any long not above {@code max}; often one of the edges. */
    public long longAtMost(long max) {
        if (random.nextInt(5) == 0) {
            return oneOf(max, max - 1, Long.MIN_VALUE, Long.MIN_VALUE + 1, Math.min(max, -1L));
        }
        return max == Long.MAX_VALUE ? random.nextLong() : random.nextLong(Long.MIN_VALUE, max + 1);
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** A value from one of the generators, chosen with equal weight (repeat one to weigh it more). */
    @SafeVarargs
    public final <T> T either(Supplier<? extends T>... generators) {
        return generators[random.nextInt(generators.length)].get();
    }

    /** A list of {@code min} to {@code max} values of the generator. */
    public <T> List<T> list(int min, int max, Supplier<T> element) {
        int size = between(min, max);
        List<T> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            list.add(element.get());
        }
        return list;
    }

    /** Up to {@code maxLen} characters of the alphabet; often empty or as long as allowed. */
    public String string(int maxLen, Alphabet alphabet) {
        return string(0, maxLen, alphabet);
    }

    /** {@code minLen} to {@code maxLen} UTF-16 units (a pair may end it one over) of the alphabet. */
    public String string(int minLen, int maxLen, Alphabet alphabet) {
        int length = between(minLen, maxLen);
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.appendCodePoint(alphabet.next(this));
        }
        return b.toString();
    }

    /** Up to {@code maxLen} random bytes; often empty or as long as allowed, sometimes one byte repeated. */
    public byte[] bytes(int maxLen) {
        byte[] bytes = new byte[between(0, maxLen)];
        if (random.nextInt(10) == 0) {
            java.util.Arrays.fill(bytes, (byte) random.nextInt(256));
        } else {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
        }
        return bytes;
    }

    /**
     * The seed text with one to {@code maxEdits} random edits: a run of 1–3 characters of the
     * alphabet inserted, a character deleted, or one replaced.
     */
    public String mutate(String seed, int maxEdits, Alphabet inserts) {
        StringBuilder b = new StringBuilder(seed);
        int edits = between(1, maxEdits);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(b.length() + 1);
            int kind = random.nextInt(3);
            if (kind == 0 || b.isEmpty()) {
                b.insert(at, string(1, 3, inserts));
            } else if (kind == 1) {
                b.deleteCharAt(Math.min(at, b.length() - 1));
            } else {
                int where = Math.min(at, b.length() - 1);
                b.replace(where, where + 1, new String(Character.toChars(inserts.next(this))));
            }
        }
        return b.toString();
    }

    /** Concatenates byte arrays. */
    public static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- alphabets ----

    /** The characters of the string. */
    public static Alphabet chars(String chars) {
        int[] points = chars.codePoints().toArray();
        return f -> points[f.random.nextInt(points.length)];
    }

    /** The characters from {@code first} to {@code last}. */
    public static Alphabet range(char first, char last) {
        return f -> f.random.nextInt(first, last + 1);
    }

    /** Characters from any of the alphabets, chosen with equal weight. */
    public static Alphabet mix(Alphabet... alphabets) {
        return f -> alphabets[f.random.nextInt(alphabets.length)].next(f);
    }

    public static final Alphabet ASCII = range('\0', '\u007f');
    public static final Alphabet PRINTABLE = range(' ', '~');
    public static final Alphabet ALPHA = mix(range('a', 'z'), range('A', 'Z'));

    /**
     * Any code point, weighted towards the interesting: printable ASCII, control characters, the
     * rest of the BMP, characters beyond it (surrogate pairs), and no lone surrogates.
     */
    public static final Alphabet UNICODE = f -> switch (f.random.nextInt(10)) {
        case 0, 1, 2, 3 -> f.random.nextInt(' ', '~' + 1);
        case 4 -> f.random.nextInt(0, 0x20);
        case 5 -> f.oneOf(0x7f, 0x85, 0xa0, 0xad, 0x2028, 0x2029, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x1f600, 0x10ffff);
        case 6, 7 -> {
            int c;
            do {
                c = f.random.nextInt(0x80, 0x10000);
            } while (Character.isSurrogate((char) c));
            yield c;
        }
        default -> f.random.nextInt(0x10000, 0x110000);
    };

    /** Like {@link #UNICODE}, and one time in twenty a lone surrogate (a string that is not well-formed UTF-16). */
    public static final Alphabet UNICODE_AND_LONE_SURROGATES =
            f -> f.random.nextInt(20) == 0 ? f.random.nextInt(0xd800, 0xe000) : UNICODE.next(f);
}
