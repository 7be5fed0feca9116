package dev.lanechat.server;

import static dev.lanechat.server.support.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanechat.server.support.Http;
import dev.lanechat.server.support.TestLanes;
import dev.lanechat.server.support.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both conversation reads come in pages: the list by a cursor in {@code Link}/{@code X-Next-Cursor},
 * a conversation's messages by {@code before} = a message id, with {@code has_more} and
 * {@code next_before}; a page of messages stays under 1 MiB; bad values answer 400.
 */
class PaginationTest {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

    @TempDir
    Path dataDir;

    TestServer server;
    Http http;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start() {
        server = TestServer.start(
                dataDir,
                b -> b.conversationRate(10_000, 10_000).sendRate(10_000, 10_000).lanes(TestLanes.demoAndWorker()));
        http = server.http();
    }

    /** One page of the list and the next page's path from its Link header (null on the last page). */
    private record ListPage(List<JsonNode> items, String next, String cursor) {}

    private ListPage listPage(String path) {
        Http.Response r = http.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().isArray()).as("a plain JSON array, as in version 1").isTrue();
        List<JsonNode> items = new ArrayList<>();
        r.json().forEach(items::add);
        String link = r.header("Link");
        String cursor = r.header("X-Next-Cursor");
        assertThat(link == null).as("Link and X-Next-Cursor come together").isEqualTo(cursor == null);
        if (link == null) {
            return new ListPage(items, null, null);
        }
        Matcher m = NEXT.matcher(link);
        assertThat(m.matches()).as(link).isTrue();
        assertThat(m.group(1)).endsWith("before=" + cursor);
        return new ListPage(items, m.group(1), cursor);
    }

    private List<String> createConversations(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(http.createConversation().path("id").asText());
        }
        return ids;
    }

    /** Walks every page from {@code first}; asserts each is within {@code limit}; returns the pages. */
    private List<ListPage> walk(String first, int limit) {
        List<ListPage> pages = new ArrayList<>();
        String next = first;
        while (next != null) {
            ListPage page = listPage(next);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(limit);
            if (page.next() != null) {
                assertThat(page.items()).as("only the last page may be short").hasSize(limit);
                assertThat(page.next()).contains("limit=" + limit);
            }
            pages.add(page);
            assertThat(pages).as("the walk ends").hasSizeLessThan(200);
            next = page.next();
        }
        return pages;
    }

    private static List<String> ids(List<ListPage> pages) {
        List<String> ids = new ArrayList<>();
        pages.forEach(p -> p.items().forEach(c -> ids.add(c.path("id").asText())));
        return ids;
    }

    /** Newest first: by updated_at, then id, both descending. */
    private static void assertNewestFirst(List<JsonNode> items) {
        for (int i = 1; i < items.size(); i++) {
            String a = items.get(i - 1).path("updated_at").asText()
                    + items.get(i - 1).path("id").asText();
            String b = items.get(i).path("updated_at").asText()
                    + items.get(i).path("id").asText();
            assertThat(a).as("item %d before item %d", i - 1, i).isGreaterThan(b);
        }
    }

    @Test
    void theListPagesThroughEveryConversationExactlyOnceNewestFirst() {
        start();
        List<String> created = createConversations(120);

        List<ListPage> byDefault = walk("/api/conversations", 50);
        assertThat(byDefault).extracting(p -> p.items().size()).containsExactly(50, 50, 20);
        List<JsonNode> all = new ArrayList<>();
        byDefault.forEach(p -> all.addAll(p.items()));
        assertNewestFirst(all);
        assertThat(ids(byDefault)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);

        List<ListPage> bySeven = walk("/api/conversations?limit=7", 7);
        assertThat(bySeven).hasSize(18); // 17 pages of 7 and one of 1
        assertThat(ids(bySeven)).isEqualTo(ids(byDefault));

        // An unpaginated version 1 read is the first page; the largest page is 200.
        assertThat(listPage("/api/conversations?limit=200").items()).hasSize(120);
        assertThat(listPage("/api/conversations?limit=200").next()).isNull();
    }

    @Test
    void aConversationChangedOrCreatedWhilePagingIsStillSeenInItsNewState() throws Exception {
        start();
        List<String> created = createConversations(20);
        List<String> order = ids(List.of(listPage("/api/conversations?limit=200")));
        ListPage first = listPage("/api/conversations?limit=7");
        assertThat(ids(List.of(first))).isEqualTo(order.subList(0, 7));

        // Each change a few milliseconds after the last (times have milliseconds), so their order is known.
        String notYetSeen = order.get(19); // the oldest: it would be on the last page
        String alreadySeen = order.get(2); // on the first page
        Thread.sleep(5);
        rename(notYetSeen, "renamed before it was reached");
        Thread.sleep(5);
        rename(alreadySeen, "renamed after it was seen");
        Thread.sleep(5);
        String brandNew = http.createConversation().path("id").asText();

        List<ListPage> rest = walk(first.next(), 7);
        List<String> seen = new ArrayList<>(ids(List.of(first)));
        seen.addAll(ids(rest));
        // Every conversation is seen; the ones that did not change exactly once.
        assertThat(new LinkedHashSet<>(seen)).containsExactlyInAnyOrderElementsOf(withAll(created, brandNew));
        for (String id : created) {
            if (!id.equals(alreadySeen)) {
                assertThat(Collections.frequency(seen, id)).as(id).isEqualTo(1);
            }
        }
        // The changes come first on the next page, newest first, in their new state.
        List<JsonNode> second = rest.get(0).items();
        assertThat(second.subList(0, 3))
                .extracting(c -> c.path("id").asText())
                .containsExactly(brandNew, alreadySeen, notYetSeen);
        assertThat(second.get(1).path("title").asText()).isEqualTo("renamed after it was seen");
        assertThat(second.get(2).path("title").asText()).isEqualTo("renamed before it was reached");
        assertNewestFirst(second);
        // The one seen before its change shows twice: a client keeps the later copy (merge by id).
        assertThat(Collections.frequency(seen, alreadySeen)).isEqualTo(2);
    }

    @Test
    void moreChangesThanAPageAreAllSeenAcrossTheNextPages() throws Exception {
        start();
        List<String> created = createConversations(10);
        ListPage first = listPage("/api/conversations?limit=3");
        Thread.sleep(5);
        List<String> fresh = createConversations(8); // more than one page of changes
        List<ListPage> rest = walk(first.next(), 3);
        List<String> seen = new ArrayList<>(ids(List.of(first)));
        seen.addAll(ids(rest));
        assertThat(seen).doesNotHaveDuplicates();
        List<String> everything = new ArrayList<>(created);
        everything.addAll(fresh);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(everything);
        rest.forEach(p -> assertNewestFirst(p.items()));
    }

    @Test
    void aLongConversationComesInPagesOfItsNewestMessagesOldestFirst() {
        start();
        String conversation = http.createConversation().path("id").asText();
        String lastTask = null;
        for (int i = 0; i < 125; i++) {
            lastTask = http.send(conversation, "message " + i).path("task_id").asText();
        }
        awaitAllAnswered(conversation, 250);
        assertThat(http.task(lastTask).path("status").asText()).isEqualTo("completed");

        JsonNode newest = http.conversation(conversation);
        assertThat(newest.path("message_count").asLong()).isEqualTo(250);
        assertThat(newest.path("messages")).hasSize(100);
        assertThat(newest.path("has_more").asBoolean()).isTrue();
        assertThat(newest.path("next_before").asText())
                .isEqualTo(newest.path("messages").path(0).path("id").asText());
        // The newest 100, oldest first: user message 75 (position 150) through the last answer.
        assertThat(newest.path("messages").path(0).path("content").asText()).isEqualTo("message 75");
        assertThat(newest.path("messages").path(99).path("role").asText()).isEqualTo("assistant");

        List<String> byDefault = pageBack(conversation, "", 100);
        List<String> bySeven = pageBack(conversation, "limit=7&", 7);
        assertThat(byDefault).hasSize(250).doesNotHaveDuplicates().isEqualTo(bySeven);
        List<String> userContents = new ArrayList<>();
        for (JsonNode m : allMessages(conversation)) {
            if (m.path("role").asText().equals("user")) {
                userContents.add(m.path("content").asText());
            }
        }
        assertThat(userContents)
                .hasSize(125)
                .startsWith("message 0", "message 1")
                .endsWith("message 124");
        assertThat(http.conversation(conversation + "?limit=500").path("messages"))
                .hasSize(250);
        assertThat(http.conversation(conversation + "?limit=500")
                        .path("has_more")
                        .asBoolean())
                .isFalse();
        assertThat(http.conversation(conversation + "?limit=500")
                        .path("next_before")
                        .isNull())
                .isTrue();
    }

    @Test
    void pagesOfBigAnswersStayUnderOneMebibyteWithAtLeastOneMessage() {
        start();
        String conversation = http.createConversation().path("id").asText();
        for (int i = 0; i < 3; i++) {
            answerByWorker(
                    conversation, "big " + i, String.valueOf((char) ('a' + i)).repeat(600 * 1024));
        }
        List<Integer> sizes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        String before = null;
        do {
            Http.Response r =
                    http.get("/api/conversations/" + conversation + (before == null ? "" : "?before=" + before));
            assertThat(r.status()).isEqualTo(200);
            sizes.add(r.bytes().length);
            JsonNode page = r.json();
            assertThat(page.path("messages").size()).isPositive();
            List<String> pageIds = new ArrayList<>();
            page.path("messages").forEach(m -> pageIds.add(m.path("id").asText()));
            ids.addAll(0, pageIds);
            before =
                    page.path("has_more").asBoolean() ? page.path("next_before").asText() : null;
        } while (before != null);
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThan(1024 * 1024));
        assertThat(ids).hasSize(6).doesNotHaveDuplicates();
        assertThat(sizes.size()).as("600 KiB answers cannot share a page").isGreaterThanOrEqualTo(3);

        // One answer of almost 1 MiB (the worker's limit) comes alone, still under 1 MiB.
        String alone = http.createConversation().path("id").asText();
        answerByWorker(alone, "the biggest", "z".repeat(1000 * 1024));
        Http.Response r = http.get("/api/conversations/" + alone);
        assertThat(r.bytes().length).isLessThan(1024 * 1024);
        assertThat(r.json().path("messages")).hasSize(1);
        assertThat(r.json().path("messages").path(0).path("content").asText()).hasSize(1000 * 1024);
        assertThat(r.json().path("has_more").asBoolean()).isTrue();
        JsonNode older = http.conversation(
                alone + "?before=" + r.json().path("next_before").asText());
        assertThat(older.path("messages"))
                .extracting(m -> m.path("content").asText())
                .containsExactly("the biggest");
        assertThat(older.path("has_more").asBoolean()).isFalse();
    }

    @Test
    void answersOfControlCharactersAreWeighedAsTheJsonTheyBecome() {
        start();
        String conversation = http.createConversation().path("id").asText();
        // 150 KiB stored, 900 KiB written (each \u0001 is six bytes of JSON): two would pass 1 MiB.
        for (int i = 0; i < 4; i++) {
            answerByWorker(conversation, "controls " + i, "\u0001".repeat(150 * 1024));
        }
        List<String> ids = new ArrayList<>();
        String before = null;
        int pages = 0;
        do {
            Http.Response r =
                    http.get("/api/conversations/" + conversation + (before == null ? "" : "?before=" + before));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bytes().length).isLessThan(1024 * 1024);
            JsonNode page = r.json();
            assertThat(page.path("messages").size()).isPositive();
            List<String> pageIds = new ArrayList<>();
            page.path("messages").forEach(m -> pageIds.add(m.path("id").asText()));
            ids.addAll(0, pageIds);
            before =
                    page.path("has_more").asBoolean() ? page.path("next_before").asText() : null;
            pages++;
        } while (before != null);
        assertThat(ids).hasSize(8).doesNotHaveDuplicates();
        assertThat(pages).isGreaterThanOrEqualTo(4);
    }

    @Test
    void badLimitsAndCursorsAnswer400() {
        start();
        String conversation = http.createConversation().path("id").asText();
        String other = http.createConversation().path("id").asText();
        http.send(other, "a message of another conversation");
        String otherMessage =
                http.conversation(other).path("messages").path(0).path("id").asText();
        for (String query : List.of(
                "limit=0",
                "limit=-1",
                "limit=abc",
                "limit=1.5",
                "limit=201",
                "limit=99999999999",
                "before=",
                "before=nonsense",
                "before=%00",
                "before=" + "A".repeat(600),
                "before=YzEKYQpiCmMKZA", // base64url of a cursor with the right version but bad keys
                "limit=5&before=bm90IGEgY3Vyc29y")) {
            Http.Response r = http.get("/api/conversations?" + query);
            assertError(r, 400, "invalid_request");
            assertThat(r.json().path("error").path("message").asText())
                    .as(query)
                    .containsAnyOf("limit", "before");
        }
        String path = "/api/conversations/" + conversation + "?";
        for (String query : List.of(
                "limit=0",
                "limit=x",
                "limit=501",
                "before=",
                "before=" + otherMessage,
                "before=00000000-0000-0000-0000-000000000000",
                "limit=10&before=nope")) {
            Http.Response r = http.get(path + query);
            assertError(r, 400, "invalid_request");
            assertThat(r.json().path("error").path("message").asText())
                    .as(query)
                    .containsAnyOf("limit", "before");
        }
        // A bad limit is refused before the lookup; a cursor is checked against the conversation, so a
        // missing one is 404 first.
        assertError(
                http.get("/api/conversations/00000000-0000-0000-0000-000000000000?limit=0"), 400, "invalid_request");
        assertError(http.get("/api/conversations/00000000-0000-0000-0000-000000000000?before=x"), 404, "not_found");
    }

    // Helpers.

    private void rename(String id, String title) {
        Http.Response r = http.request(
                "PATCH", "/api/conversations/" + id, "application/json", Http.bytes(Map.of("title", title)));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Sends {@code content} to the worker lane, claims it and completes it with {@code answer}. */
    private void answerByWorker(String conversation, String content, String answer) {
        Http.Response sent = http.post(
                "/api/conversations/" + conversation + "/messages", Map.of("content", content, "lane", "ext"));
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        JsonNode task = http.post("/api/lanes/ext/claim", "").json();
        Http.Response done = http.post(
                "/api/tasks/" + task.path("task_id").asText() + "/complete",
                Map.of("lease_id", task.path("lease_id").asText(), "content", answer));
        assertThat(done.status()).as(done.body()).isEqualTo(200);
    }

    private void awaitAllAnswered(String conversation, int messages) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> {
                    JsonNode all =
                            http.conversation(conversation + "?limit=500").path("messages");
                    if (all.size() != messages) {
                        return false;
                    }
                    for (JsonNode m : all) {
                        if (!m.path("status").asText().equals("completed")) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    /** Every message id from the newest page back to the first, oldest first; asserts the page sizes. */
    private List<String> pageBack(String conversation, String limitQuery, int limit) {
        List<String> ids = new ArrayList<>();
        String before = null;
        Map<String, Integer> positions = new HashMap<>();
        do {
            JsonNode page =
                    http.conversation(conversation + "?" + limitQuery + (before == null ? "" : "before=" + before));
            JsonNode messages = page.path("messages");
            assertThat(messages.size()).isBetween(1, limit);
            assertThat(page.path("message_count").asLong()).isEqualTo(250);
            List<String> pageIds = new ArrayList<>();
            messages.forEach(m -> pageIds.add(m.path("id").asText()));
            ids.addAll(0, pageIds);
            if (page.path("has_more").asBoolean()) {
                assertThat(messages.size()).isEqualTo(limit);
                before = page.path("next_before").asText();
                assertThat(before).isEqualTo(pageIds.get(0));
            } else {
                assertThat(page.path("next_before").isNull()).isTrue();
                before = null;
            }
            positions.merge(conversation, 1, Integer::sum);
            assertThat(positions.get(conversation)).as("the walk ends").isLessThan(100);
        } while (before != null);
        return ids;
    }

    private List<JsonNode> allMessages(String conversation) {
        List<JsonNode> all = new ArrayList<>();
        http.conversation(conversation + "?limit=500").path("messages").forEach(all::add);
        return all;
    }

    private static Set<String> withAll(List<String> ids, String more) {
        Set<String> all = new LinkedHashSet<>(ids);
        all.add(more);
        return all;
    }
}
