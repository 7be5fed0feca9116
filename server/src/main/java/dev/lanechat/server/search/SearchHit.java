package dev.lanechat.server.search;

import java.util.List;

/**
 * One result of a search (wire object): a message of the user's that matched, or a
 * conversation whose title matched ({@code messageId} and {@code role} null). {@code snippet} is
 * plain text around the match; {@code highlights} are the matched words in it as
 * {@code [start, end)} offsets in UTF-16 code units (a JavaScript string's indexes).
 */
public record SearchHit(
        String conversationId,
        String conversationTitle,
        String messageId,
        String role,
        String at,
        String snippet,
        List<int[]> highlights) {}
