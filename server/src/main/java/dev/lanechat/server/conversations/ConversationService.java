package dev.lanechat.server.conversations;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.limits.RateLimiter;
import dev.lanechat.server.tasks.TaskService;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Conversations of a user: list, create, read with messages, rename, delete. What one user can
 * make the server do is bounded: reads come in pages (by count, and for messages also by size),
 * and creating and renaming share a rate limit per user.
 */
public final class ConversationService {
    /** The event a moved read marker sends (protocol.md E8). */
    public static final String READ_EVENT = "conversation.read";
    /** Conversations per page of the list: by default, and at most. */
    public static final int DEFAULT_LIST_LIMIT = 50;

    public static final int MAX_LIST_LIMIT = 200;
    /** Messages per page of a conversation: by default, and at most. */
    public static final int DEFAULT_MESSAGE_LIMIT = 100;

    public static final int MAX_MESSAGE_LIMIT = 500;
    /**
     * What a page of messages may weigh (content, errors and an allowance per message and file; see
     * {@link ConversationRepository#messagePage}), so that an answer stays under 1 MiB with room
     * for the JSON around it. A single message heavier than this is still sent, alone.
     */
    public static final long MAX_PAGE_WEIGHT = 768 * 1024;

    private final Jdbi jdbi;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final TaskService tasks;
    private final Notifier notifier;
    private final EventLog eventLog;
    private final Clock clock;
    private final RateLimiter writeLimiter;

    /** @param writeLimiter per user, one action for each conversation created or renamed */
    public ConversationService(
            Jdbi jdbi,
            ConversationRepository conversations,
            FileRepository files,
            TaskService tasks,
            EventLog eventLog,
            Notifier notifier,
            Clock clock,
            RateLimiter writeLimiter) {
        this.eventLog = eventLog;
        this.writeLimiter = writeLimiter;
        this.jdbi = jdbi;
        this.conversations = conversations;
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
        return jdbi.withHandle(h -> conversations.listPage(h, userId, at, limit));
    }

    /** @param title null: named after its first message */
    public Conversation create(String userId, String title) {
        admitWrite(userId);
        return jdbi.inTransaction(
                h -> conversations.insert(h, UUID.randomUUID().toString(), userId, title, clock.instant()));
    }

    /**
     * The conversation with a page of its messages: the newest {@code limit} (fewer when they
     * weigh more than {@link #MAX_PAGE_WEIGHT}), or those before the message {@code before}.
     *
     * @param before null, or the id of a message of this conversation (else 400)
     */
    public ConversationDetail get(String userId, String id, String before, int limit) {
        return jdbi.inTransaction(h -> {
            Conversation c = conversations.find(h, userId, id).orElseThrow(() -> Rejection.notFound("conversation"));
            Long beforePosition = before == null
                    ? null
                    : conversations
                            .positionOf(h, id, before)
                            .orElseThrow(() -> Rejection.invalid(
                                    "\"before\" is not the id of a message of this conversation; use the"
                                            + " \"next_before\" of the last page."));
            return ConversationDetail.of(c, conversations.messagePage(h, id, beforePosition, limit, MAX_PAGE_WEIGHT));
        });
    }

    public Conversation rename(String userId, String id, String title) {
        admitWrite(userId);
        return jdbi.inTransaction(h -> {
            if (!conversations.rename(h, userId, id, title, clock.instant())) {
                throw Rejection.notFound("conversation");
            }
            return conversations.find(h, userId, id).orElseThrow();
        });
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
                    ? conversations.newestPosition(h, id)
                    : conversations
                            .positionOf(h, id, messageId)
                            .orElseThrow(() -> Rejection.invalid(
                                    "\"message_id\" is not the id of a message of this conversation."));
            Optional<Long> after = conversations.markReadThrough(h, id, through);
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
            List<Event> events = tasks.cancelUnfinished(h, userId, id);
            files.deleteForConversation(h, id);
            tasks.deleteTasksOf(h, id);
            conversations.delete(h, id);
            return events;
        });
        notifier.published(cancelled);
        tasks.announceCancelled(cancelled);
    }
}
