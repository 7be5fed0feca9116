package dev.lanechat.server.search;

import java.util.List;

/** One page of results, newest first; {@code nextBefore} is the cursor of the next page, or null. */
public record SearchPage(List<SearchHit> results, boolean hasMore, String nextBefore) {}
