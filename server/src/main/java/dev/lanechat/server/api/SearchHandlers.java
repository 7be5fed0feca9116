package dev.lanechat.server.api;

import dev.lanechat.server.search.SearchQuery;
import dev.lanechat.server.search.SearchService;
import io.javalin.http.Context;

/** HTTP in and out for search: {@code GET /api/search?q=&limit=&before=} (protocol.md, E7). */
final class SearchHandlers {
    private final SearchService search;

    SearchHandlers(SearchService search) {
        this.search = search;
    }

    void search(Context ctx) {
        SearchQuery query = SearchQuery.parse(ctx.queryParam("q"));
        int limit = QueryParams.limit(ctx, SearchService.DEFAULT_LIMIT, SearchService.MAX_LIMIT);
        ctx.json(search.search(CurrentUser.id(ctx), query, QueryParams.optionalText(ctx, "before"), limit));
    }
}
