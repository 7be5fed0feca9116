package dev.lanechat.server.conversations;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.tasks.TaskService;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** Conversations of a user: list, create, read with messages, rename, delete. */
public final class ConversationService {
    private final Jdbi jdbi;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final TaskService tasks;
    private final Notifier notifier;
    private final Clock clock;

    public ConversationService(Jdbi jdbi, ConversationRepository conversations, FileRepository files,
            TaskService tasks, Notifier notifier, Clock clock) {
        this.jdbi = jdbi;
        this.conversations = conversations;
        this.files = files;
        this.tasks = tasks;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** The user's conversations, most recently active first. */
    public List<Conversation> list(String userId) {
        return jdbi.withHandle(h -> conversations.list(h, userId));
    }

    /** @param title null: named after its first message */
    public Conversation create(String userId, String title) {
        return jdbi.inTransaction(h -> conversations.insert(h, UUID.randomUUID().toString(), userId, title, clock.instant()));
    }

    public ConversationDetail get(String userId, String id) {
        return jdbi.inTransaction(h -> {
            Conversation c = conversations.find(h, userId, id).orElseThrow(() -> Rejection.notFound("conversation"));
            return ConversationDetail.of(c, conversations.messages(h, id));
        });
    }

    public Conversation rename(String userId, String id, String title) {
        return jdbi.inTransaction(h -> {
            if (!conversations.rename(h, userId, id, title, clock.instant())) {
                throw Rejection.notFound("conversation");
            }
            return conversations.find(h, userId, id).orElseThrow();
        });
    }

    /** Deletes a conversation with its messages, tasks and files; its unfinished tasks are cancelled first. */
    public void delete(String userId, String id) {
        List<Event> cancelled = jdbi.inTransaction(h -> {
            conversations.find(h, userId, id).orElseThrow(() -> Rejection.notFound("conversation"));
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
