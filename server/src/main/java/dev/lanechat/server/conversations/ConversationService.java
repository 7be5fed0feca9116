package dev.lanechat.server.conversations;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.store.TimeOrderedIds;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Conversations of a user: list, create, read with messages, rename, delete. What one user can
 * make the server do is bounded: reads come in pages (by count, and for messages also by size),
 * and creating and renaming share a rate limit per user.
 */
public final class ConversationService {
    /** The event a moved read marker sends (protocol.md E8). */
    public static final String READ_EVENT = "conversation.read";
    /** The event a change of the chosen path sends (protocol.md E12). */
    public static final String SWITCHED_EVENT = "conversation.switched";
    /** The event a PATCH sends, with the conversation's settings after it (protocol.md E15). */
    public static final String UPDATED_EVENT = "conversation.updated";
    /** Conversations per page of the list: by default, and at most. */
    public static final int DEFAULT_LIST_LIMIT = 50;

    public static final int MAX_LIST_LIMIT = 200;
    /** Messages per page of a conversation: by default, and at most. */
    public static final int DEFAULT_MESSAGE_LIMIT = 100;

    public static final int MAX_MESSAGE_LIMIT = 500;
    /**
     * What a page of messages may weigh (content, errors and an allowance per message and file; see
     * {@link MessageTree#messagePage}), so that an answer stays under 1 MiB with room
     * for the JSON around it. A single message heavier than this is still sent, alone.
     */
    public static final long MAX_PAGE_WEIGHT = 768 * 1024;

    private final Jdbi jdbi;
    private final ConversationQueries conversations;
    private final ConversationRows rows;
    private final ConversationRepository messages;
    private final MessageTree tree;
    private final ReadMarkers readMarkers;
    private final FileRepository files;
    private final ConversationTasks tasks;
    private final Notifier notifier;
    private final EventLog eventLog;
    private final Clock clock;
    private final RateLimiter writeLimiter;
    private final ConversationSettings settings;

    /**
     * @param messages what the tree's operations read and write of single messages (shared with tasks)
     * @param writeLimiter per user, one action for each conversation created or changed
     */
    public ConversationService(
            Jdbi jdbi,
            ConversationQueries conversations,
            ConversationRows rows,
            ConversationRepository messages,
            MessageTree tree,
            ReadMarkers readMarkers,
            FileRepository files,
            ConversationTasks tasks,
            EventLog eventLog,
            Notifier notifier,
            Clock clock,
            RateLimiter writeLimiter,
            ConversationSettings settings) {
        this.settings = settings;
        this.eventLog = eventLog;
        this.writeLimiter = writeLimiter;
        this.jdbi = jdbi;
        this.conversations = conversations;
        this.rows = rows;
        this.messages = messages;
        this.tree = tree;
        this.readMarkers = readMarkers;
        this.files = files;
        this.tasks = tasks;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * A page of the user's conversations, most recently active first.
     *
     * @param cursor null for the first page, else the {@link ConversationList#nextCursor} of the last one
     * @param limit 1 to {@link #MAX_LIST_LIMIT}
     */
    public ConversationList list(String userId, String cursor, int limit) {
        ListCursor at = cursor == null ? null : ListCursor.decode(cursor);
        ConversationList page = jdbi.withHandle(h -> conversations.listPage(h, userId, at, limit));
        return new ConversationList(
                page.conversations().stream().map(settings::shown).toList(), page.nextCursor());
    }

    /**
     * Creates an empty conversation of {@code userId} (rate-limited as every write of the user).
     *
     * @param title null: named after its first message
     * @param lane null: the server's default; else a lane of this server (400 otherwise)
     * @param systemPrompt null or blank: none; at most {@link ConversationSettings#MAX_SYSTEM_PROMPT_BYTES}
     *     (413 otherwise)
     */
    public Conversation create(String userId, String title, String lane, String systemPrompt) {
        settings.checkLane(lane);
        String prompt = ConversationSettings.systemPrompt(systemPrompt);
        admitWrite(userId);
        return jdbi.inTransaction(
                h -> rows.insert(h, TimeOrderedIds.next(), userId, title, lane, prompt, clock.instant()));
    }

    /**
     * Renames the conversation, sets its lane, its system prompt, or several of them (a PATCH,
     * protocol.md E15); every check comes before anything is written. A lane set is the one its
     * next sends without {@code "lane"} use; a system prompt applies from the next answer on. A
     * {@code conversation.updated} event with the result goes to every tab of the user, in the
     * same transaction.
     */
    public Conversation update(String userId, String id, ConversationChange change) {
        if (change.setsLane()) {
            settings.checkLane(change.lane());
        }
        ConversationChange checked = change.setsSystemPrompt()
                ? new ConversationChange(
                        change.title(),
                        change.setsLane(),
                        change.lane(),
                        true,
                        ConversationSettings.systemPrompt(change.systemPrompt()))
                : change;
        admitWrite(userId);
        List<Event> published = new java.util.ArrayList<>();
        Conversation updated = jdbi.inTransaction(h -> {
            if (!rows.update(h, userId, id, checked, clock.instant())) {
                throw Rejection.notFound("conversation");
            }
            Conversation c = settings.shown(conversations.find(h, userId, id).orElseThrow());
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("type", UPDATED_EVENT);
            data.put("conversation_id", c.id());
            data.put("title", c.title());
            data.put("lane", c.lane());
            data.put("system_prompt", c.systemPrompt());
            data.put("lane_unavailable", c.laneUnavailable());
            data.put("updated_at", c.updatedAt());
            published.add(eventLog.append(h, userId, UPDATED_EVENT, data));
            return c;
        });
        notifier.published(published); // every tab of the user shows the change
        return updated;
    }

    /**
     * The conversation with a page of the messages of its chosen path (root to {@code leaf_id},
     * issue 18): the newest {@code limit} (fewer when they weigh more than {@link
     * #MAX_PAGE_WEIGHT}), or those before the message {@code before} on its way to the root.
     *
     * @param before null, or the id of a message of this conversation (else 400)
     */
    public ConversationDetail get(String userId, String id, String before, int limit) {
        return jdbi.inTransaction(h -> read(h, userId, id, before, limit));
    }

    private ConversationDetail read(Handle h, String userId, String id, String before, int limit) {
        Conversation c = conversations.find(h, userId, id).orElseThrow(() -> Rejection.notFound("conversation"));
        String end = before == null
                ? c.leafId()
                : messages.findMessage(h, id, before)
                        .orElseThrow(() ->
                                Rejection.invalid("\"before\" is not the id of a message of this conversation; use the"
                                        + " \"next_before\" of the last page."))
                        .parentId();
        return withTextSoFar(
                ConversationDetail.of(settings.shown(c), tree.messagePage(h, id, end, limit, MAX_PAGE_WEIGHT)));
    }

    /**
     * Chooses the path through the message {@code messageId} (issue 18): it continues by the newest
     * child at each step down to a leaf, which becomes the conversation's {@code leaf_id}. A
     * {@code conversation.switched} event goes to every tab of the user in the same transaction.
     *
     * @return the conversation read (first page) along the new path
     */
    public ConversationDetail switchTo(String userId, String id, String messageId) {
        List<Event> published = new java.util.ArrayList<>();
        ConversationDetail detail = jdbi.inTransaction(h -> {
            if (conversations.find(h, userId, id).isEmpty()) {
                throw Rejection.notFound("conversation");
            }
            if (messages.findMessage(h, id, messageId).isEmpty()) {
                throw Rejection.notFound("message");
            }
            String leaf = tree.newestLeafBelow(h, id, messageId);
            messages.setLeaf(h, id, leaf);
            published.add(switched(eventLog, h, userId, id, leaf));
            return read(h, userId, id, null, DEFAULT_MESSAGE_LIMIT);
        });
        notifier.published(published);
        return detail;
    }

    /**
     * Records that the chosen path of a conversation changed (issue 18), in {@code h}'s transaction:
     * the switch here, a regenerate or an edit (tasks.Submissions); the caller publishes the event.
     */
    public static Event switched(EventLog eventLog, Handle h, String userId, String id, String leafId) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("type", SWITCHED_EVENT);
        data.put("conversation_id", id);
        data.put("leaf_id", leafId);
        return eventLog.append(h, userId, SWITCHED_EVENT, data);
    }

    /**
     * The detail with, in each pending answer whose task streams on this node, the text so far
     * (protocol.md E13; the stored content of a pending answer is "").
     */
    private ConversationDetail withTextSoFar(ConversationDetail detail) {
        if (detail.messages().stream().noneMatch(ConversationService::pending)) {
            return detail;
        }
        List<Message> messages = detail.messages().stream()
                .map(m -> pending(m)
                        ? tasks.textSoFar(m.taskId()).map(m::withContent).orElse(m)
                        : m)
                .toList();
        return detail.withMessages(messages);
    }

    private static boolean pending(Message m) {
        return "assistant".equals(m.role())
                && (MessageStatus.RUNNING.equals(m.status()) || MessageStatus.QUEUED.equals(m.status()));
    }

    /**
     * Marks the user's conversation read through the message {@code messageId} (null: through its
     * newest message). The marker only moves forward; when it moves, a {@code conversation.read}
     * event with the new unread count goes to every tab of the user in the same transaction, so
     * a badge cleared in one tab clears in all. Answers that land later are unread again.
     *
     * @return the conversation's unread count after
     */
    public long markRead(String userId, String id, String messageId) {
        List<Event> published = new java.util.ArrayList<>();
        long unread = jdbi.inTransaction(h -> {
            Conversation c = conversations.find(h, userId, id).orElseThrow(() -> Rejection.notFound("conversation"));
            long through = messageId == null
                    ? readMarkers.newestPosition(h, id)
                    : readMarkers
                            .positionOf(h, id, messageId)
                            .orElseThrow(() -> Rejection.invalid(
                                    "\"message_id\" is not the id of a message of this conversation."));
            Optional<Long> after = readMarkers.markReadThrough(h, id, through);
            if (after.isEmpty()) {
                return c.unreadCount();
            }
            published.add(eventLog.append(
                    h,
                    userId,
                    READ_EVENT,
                    Map.of("type", READ_EVENT, "conversation_id", id, "unread_count", after.get())));
            return after.get();
        });
        notifier.published(published);
        return unread;
    }

    /** Refuses a create or rename beyond the user's rate (one path to the 429 and its Retry-After). */
    private void admitWrite(String userId) {
        long waitMs = writeLimiter.acquire(userId);
        if (waitMs > 0) {
            throw Rejection.rateLimited(
                    "Too many conversations created or renamed at once; wait a moment and try again.", waitMs);
        }
    }

    /** Deletes a conversation with its messages, tasks and files; its unfinished tasks are cancelled first. */
    public void delete(String userId, String id) {
        List<Event> cancelled = jdbi.inTransaction(h -> {
            if (conversations.find(h, userId, id).isEmpty()) {
                throw Rejection.notFound("conversation");
            }
            List<Event> events = tasks.cancelAndDeleteTasksOf(h, userId, id);
            files.deleteForConversation(h, id);
            rows.delete(h, id);
            return events;
        });
        notifier.published(cancelled);
        tasks.announceCancelled(cancelled);
    }
}
