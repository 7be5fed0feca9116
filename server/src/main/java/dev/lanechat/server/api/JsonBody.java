package dev.lanechat.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request's JSON object with the contract's errors: 415 for another content type, 413
 * past the body limit (at once for a Content-Length over it, else while reading), 400 for bad UTF-8,
 * bad JSON, a non-object, and for missing, empty or mistyped fields.
 */
final class JsonBody {
    private static final long DRAIN_LIMIT = 1024 * 1024;
    /** Answers given before any handler read the body: nobody unauthenticated gets a body read. */
    /** Set on a request answered 413 for its Content-Length: {@link #drainRest} answers, then drains. */
    private static final String ANSWER_THEN_DRAIN = "lanechat.answer-then-drain";

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    /** The body as an object; an absent body counts as {} when {@code optional}. */
    static JsonBody read(Context ctx, ObjectMapper json, int maxBytes, boolean optional) {
        JsonNode node = readTree(ctx, json, maxBytes, optional);
        if (node == null || !node.isObject()) {
            throw Rejection.invalid("The body must be a JSON object.");
        }
        return new JsonBody(node);
    }

    /**
     * The body as JSON of any shape (an uploaded file: an object or an array), with the same
     * checks as {@link #read}: size, content type, UTF-8, syntax. An absent body is {} when
     * {@code optional}.
     */
    static JsonNode readTree(Context ctx, ObjectMapper json, int maxBytes, boolean optional) {
        byte[] bytes = readBounded(ctx, maxBytes);
        if (bytes.length == 0 && optional) {
            return json.createObjectNode();
        }
        String contentType = ctx.contentType();
        String mediaType =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        if (!mediaType.equals("application/json")) {
            throw new Rejection(
                    Rejection.Reason.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as JSON with Content-Type: application/json.");
        }
        if (bytes.length == 0) {
            throw Rejection.invalid("The request needs a JSON body.");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw Rejection.invalid("The body is not valid UTF-8.");
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw Rejection.invalid("The body is not valid JSON.");
        }
    }

    /** The raw body, at most {@code maxBytes} (413 past it, as for JSON). */
    static byte[] readBounded(Context ctx, int maxBytes) {
        try (InputStream in = ctx.bodyInputStream()) {
            long declared = ctx.req().getContentLengthLong();
            if (declared > maxBytes) {
                // Known too large before a byte is read: answered at once (drainRest sends the
                // answer before it reads on), then the connection is closed.
                ctx.header("Connection", "close");
                ctx.attribute(ANSWER_THEN_DRAIN, true);
                throw Rejection.tooLarge("The body is over " + (maxBytes / 1024) + " KiB.");
            }
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw tooLarge(in, maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            if (tooSlow(e)) {
                // SlowBodyGuard (or Jetty's idle timeout) ended the read; the connection is closed.
                ctx.header("Connection", "close");
                throw Rejection.invalid("The body arrived too slowly; send it without long pauses.");
            }
            throw Rejection.invalid("The body could not be read: " + e.getMessage());
        }
    }

    private static boolean tooSlow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The 413 for a body without a Content-Length (chunked) found over the limit while reading,
     * after reading (and dropping) a moderate rest of it: a client still sending it would otherwise
     * see the connection reset and never get the answer. A body past {@link #DRAIN_LIMIT} is not
     * read; the connection is then closed.
     */
    private static Rejection tooLarge(InputStream in, int maxBytes) {
        drain(in);
        return Rejection.tooLarge("The body is over " + (maxBytes / 1024) + " KiB.");
    }

    /**
     * Reads and drops what is left of a request's body (up to {@link #DRAIN_LIMIT}), for calls
     * that answer without reading it (a cancel with a body): a client still sending would
     * otherwise see the connection reset instead of the answer. Not for a request refused before
     * its handler ran (no route, a foreign Host or Origin, no credentials: see
     * {@link AccessGuard#admitted}): its body is never read, the connection is closed.
     */
    static void drainRest(Context ctx) {
        boolean body = ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
        if (!body) {
            return;
        }
        if (!AccessGuard.admitted(ctx)) {
            ctx.header("Connection", "close");
            return;
        }
        if (ctx.attribute(ANSWER_THEN_DRAIN) != null) {
            answerThenDrain(ctx);
            return;
        }
        try {
            drain(ctx.req().getInputStream());
        } catch (IOException | IllegalStateException e) {
            // no body to read, or the client gave up; the answer is the same
        }
    }

    /**
     * Sends the answer already decided (the 413 of a Content-Length over the limit) at once, then
     * reads and drops up to {@link #DRAIN_LIMIT} of the body: a client that sent only the headers
     * has its 413 straight away, and one still sending the body is not reset mid-write, which
     * would throw the 413 away before it is read ("Bug found by the fuzzing", docs/reliability.md).
     * The answer goes out chunked, so that it is not complete, and Jetty does not give the body
     * up, before the drain; the drain ends at the limit, at the body's end, or when SlowBodyGuard
     * drops a client that stopped sending.
     */
    private static void answerThenDrain(Context ctx) {
        try {
            InputStream result = ctx.resultInputStream();
            if (result != null) {
                ctx.res().getOutputStream().write(result.readAllBytes());
                ctx.result(new byte[0]);
            }
            ctx.res().flushBuffer();
            drain(ctx.req().getInputStream());
        } catch (IOException | IllegalStateException e) {
            // the client gave up; the answer is the same
        }
    }

    private static void drain(InputStream in) {
        try {
            long left = DRAIN_LIMIT;
            byte[] sink = new byte[8192];
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client gave up; the answer is the same
        }
    }

    /** The raw value of a field, or null when absent (for fields that are not strings). */
    JsonNode field(String name) {
        return node.get(name);
    }

    /** A required string field that is not empty or whitespace only. */
    String requiredText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw Rejection.invalid("\"" + field + "\" is required.");
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"" + field + "\" must be a string.");
        }
        if (value.asText().isBlank()) {
            throw Rejection.invalid("\"" + field + "\" must not be empty.");
        }
        return wellFormed(field, value.asText());
    }

    /** Refuses text with a lone UTF-16 surrogate (a JSON escape like \ud800): it has no UTF-8 form to store. */
    private static String wellFormed(String field, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw Rejection.invalid("\"" + field + "\" contains an unpaired UTF-16 surrogate escape.");
            }
        }
        return text;
    }

    /** Whether the body names this field (with any value, null included). */
    boolean has(String field) {
        return node.has(field);
    }

    /** A string field that may be null or empty: null when absent or null, 400 when of another type. */
    String nullableText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"" + field + "\" must be a string or null.");
        }
        return wellFormed(field, value.asText());
    }

    /** An optional string field: null when absent or null, 400 when of another type or blank. */
    String optionalText(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw Rejection.invalid("\"" + field + "\" must be a string.");
        }
        if (value.asText().isBlank()) {
            throw Rejection.invalid("\"" + field + "\" must not be empty.");
        }
        return wellFormed(field, value.asText());
    }
}
