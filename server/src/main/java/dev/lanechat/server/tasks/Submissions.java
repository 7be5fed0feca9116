package dev.lanechat.server.tasks;

import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.conversations.Message;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.TimeOrderedIds;
import dev.lanechat.server.store.Timestamps;
import dev.lanechat.server.tasks.SubmitRequest.Kind;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;

/**
 * Submits: the user's message, the pending answer and the queued task in one transaction (a send,
 * a regenerate or an edit), the idempotency key's repeat, and the hand-off of the committed task
 * to an idle loop of its lane in memory. Events are handed to the {@link Notifier} after the commit.
 */
public final class Submissions {
    private final Database database;
    private final TaskRepository tasks;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final IdempotencyKeys idempotencyKeys;
    private final EventLog eventLog;
    private final Notifier notifier;
    private final Lanes lanes;
    private final Clock clock;
    private final Leases leases;
    private final TaskSignals signals;
    private final Handoffs handoffs;

    /**
     * A committed submit and, when it was handed to a loop, the claim that loop runs with the
     * content of the message it answers; the events it committed (a regenerate's or an edit's
     * {@code conversation.switched}).
     */
    private record Submitted(Accepted accepted, Claim handed, String answered, List<Event> events) {}

    Submissions(
            Database database,
            TaskRepository tasks,
            ConversationRepository conversations,
            FileRepository files,
            IdempotencyKeys idempotencyKeys,
            EventLog eventLog,
            Notifier notifier,
            Lanes lanes,
            Clock clock,
            Leases leases,
            TaskSignals signals,
            Handoffs handoffs) {
        this.database = database;
        this.tasks = tasks;
        this.conversations = conversations;
        this.files = files;
        this.idempotencyKeys = idempotencyKeys;
        this.eventLog = eventLog;
        this.notifier = notifier;
        this.lanes = lanes;
        this.clock = clock;
        this.leases = leases;
        this.signals = signals;
        this.handoffs = handoffs;
    }

    /**
     * Stores the user's message, the pending answer and a queued task. With an idempotency key, a
     * repeat of the same request returns the first answer and stores nothing. The user's message
     * follows the conversation's leaf, the answer follows it and becomes the leaf (issue 18).
     *
     * @param laneName null for the conversation's lane (protocol.md E15), else the default lane;
     *     a lane named is remembered as the conversation's
     */
    public Accepted submit(
            String userId, String conversationId, String content, String laneName, String idempotencyKey) {
        return submit(userId, conversationId, content, laneName, idempotencyKey, List.of());
    }

    /**
     * {@link #submit(String, String, String, String, String)} with uploads attached to the user's
     * message (E14): each an unattached upload of the user (else 400, or 409 when already attached),
     * images only to a lane that takes them (else 400 naming the lane).
     */
    public Accepted submit(
            String userId,
            String conversationId,
            String content,
            String laneName,
            String idempotencyKey,
            List<String> attachments) {
        return queue(
                userId,
                new SubmitRequest(Kind.SEND, conversationId, null, content, attachments),
                laneName,
                idempotencyKey,
                () -> attachments.isEmpty()
                        ? IdempotencyKeys.hash(conversationId, content, laneName)
                        : IdempotencyKeys.hash(conversationId, content, laneName, String.join(",", attachments)));
    }

    /**
     * Queues a new answer (issue 18): for an assistant message, a sibling of it under the same
     * user message; for a user message, one more answer under it. The new answer becomes the leaf
     * (a {@code conversation.switched} event in the same transaction). 409 while the answer
     * regenerated (or, for a user message, an answer under it) is still queued or running.
     */
    public Accepted regenerate(
            String userId, String conversationId, String messageId, String laneName, String idempotencyKey) {
        return queue(
                userId,
                new SubmitRequest(Kind.REGENERATE, conversationId, messageId, null, List.of()),
                laneName,
                idempotencyKey,
                () -> IdempotencyKeys.hash(conversationId, "regenerate", messageId, laneName));
    }

    /**
     * Edits and resends a user message (issue 18): a new user message with {@code content} beside
     * it (same parent) and its answer, which becomes the leaf (a {@code conversation.switched}
     * event in the same transaction); what followed the edited message stays on its own branch.
     */
    public Accepted edit(
            String userId,
            String conversationId,
            String messageId,
            String content,
            String laneName,
            String idempotencyKey) {
        return queue(
                userId,
                new SubmitRequest(Kind.EDIT, conversationId, messageId, content, List.of()),
                laneName,
                idempotencyKey,
                () -> IdempotencyKeys.hash(conversationId, "edit", messageId, content, laneName));
    }

    /** Deletes idempotency keys past their keeping time. */
    public int deleteExpiredIdempotencyKeys() {
        return idempotencyKeys.deleteExpired();
    }

    /** The lane a send names (400 when this server has none of that name); null when it names none. */
    private Lane namedLane(String laneName) {
        return laneName == null
                ? null
                : lanes.find(laneName)
                        .orElseThrow(() ->
                                Rejection.invalid("Unknown lane '" + laneName + "'; GET /api/lanes lists the lanes."));
    }

    private Accepted queue(
            String userId,
            SubmitRequest request,
            String laneName,
            String idempotencyKey,
            Supplier<String> requestHashOf) {
        // Hashed only for a request that carries a key (issue 15: a SHA-256 of every send, used by none).
        String requestHash = idempotencyKey == null ? null : requestHashOf.get();
        Lane named = namedLane(laneName);
        Handoffs.Reservation reservation = new Handoffs.Reservation();
        Submitted submitted;
        try {
            submitted = database.inTransaction(
                    h -> submitIn(h, userId, request, named, laneName, idempotencyKey, requestHash, reservation));
        } catch (RuntimeException e) {
            reservation.undo();
            if (idempotencyKey == null || !database.dialect().isUniqueViolation(e)) {
                throw e;
            }
            // Two requests with one key raced; the other committed first, so answer as a repeat.
            Accepted earlier = database.inTransaction(h -> idempotencyKeys
                    .repeat(h, userId, idempotencyKey, requestHash)
                    .orElseThrow(() -> e));
            submitted = new Submitted(earlier, null, null, List.of());
        }
        notifier.published(submitted.events());
        if (submitted.handed() != null) {
            // With attachments the loop reads the message (and its files) from the store.
            reservation.hand(submitted.handed(), request.attachments().isEmpty() ? submitted.answered() : null);
        } else {
            reservation.undo();
            signals.queued(submitted.accepted().lane());
        }
        return submitted.accepted();
    }

    /**
     * The lane of a send: the one it names, else the conversation's (as the reserve read it, in
     * the submit's transaction: issue 15, no read of its own before it) while this server offers
     * it, else the default.
     */
    private Lane laneOf(Lane named, ConversationRepository.Reserved reserved) {
        if (named != null) {
            return named;
        }
        return Optional.ofNullable(reserved.lane()).flatMap(lanes::find).orElseGet(lanes::defaultLane);
    }

    private Submitted submitIn(
            Handle h,
            String userId,
            SubmitRequest request,
            Lane named,
            String namedLane,
            String idempotencyKey,
            String requestHash,
            Handoffs.Reservation reservation) {
        if (idempotencyKey != null) {
            Optional<Accepted> earlier = idempotencyKeys.repeat(h, userId, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return new Submitted(earlier.get(), null, null, List.of());
            }
        }
        Instant now = clock.instant();
        String conversationId = request.conversationId();
        boolean newUserMessage = request.kind() != Kind.REGENERATE;
        ConversationRepository.Reserved reserved = conversations
                .reserve(h, userId, conversationId, newUserMessage ? 2 : 1, request.content(), namedLane, now)
                .orElseThrow(() -> Rejection.notFound("conversation"));
        Lane lane = laneOf(named, reserved);
        boolean handOver = reservation.take(handoffs.of(lane.name()));
        // After the reserve, which checked that the conversation is the user's: only then do the
        // message's own refusals (404, 400, 409) say anything about it.
        Question question = Question.of(conversations, h, request, reserved.previousLeafId());
        String at = Timestamps.format(now);
        String taskId = TimeOrderedIds.next();
        String answerId = TimeOrderedIds.next();
        String userMessageId = question.id();
        String leaseId = handOver ? UUID.randomUUID().toString() : null;
        // On SQLite a handed task stays queued until its loop starts it (it may wait behind others).
        boolean running = handOver && !handoffs.handsOverQueued();
        Message answer = question.answer(answerId, running ? TaskStatus.RUNNING : TaskStatus.QUEUED, taskId, lane, at);
        if (question.isNew()) {
            // The user's message and its answer in one INSERT (issue 15), then its attachments.
            conversations.insertMessagePair(
                    h, conversationId, question.userMessage(taskId, lane, at), answer, reserved.position());
            List<FileInfo> attached = files.attach(h, userId, userMessageId, request.attachments(), now);
            if (!lane.acceptsImages() && attached.stream().anyMatch(FileInfo::isImage)) {
                throw Rejection.invalid("Lane '" + lane.name() + "' does not accept images; send them to a lane"
                        + " with vision (GET /api/lanes) or send text files only.");
            }
        } else {
            conversations.insertMessage(h, answer, conversationId, reserved.position());
        }
        conversations.setLeaf(h, conversationId, answerId);
        tasks.insert(
                h,
                taskId,
                userId,
                conversationId,
                answerId,
                lane.name(),
                now,
                leaseId,
                handOver ? leases.inServerLeaseEnd() : null,
                running);
        Accepted accepted =
                new Accepted(TaskStatus.QUEUED, taskId, answerId, userMessageId, conversationId, lane.name());
        if (idempotencyKey != null) {
            idempotencyKeys.insert(h, userId, idempotencyKey, requestHash, accepted);
        }
        List<Event> events = request.kind() == Kind.SEND
                ? List.of()
                : List.of(ConversationService.switched(eventLog, h, userId, conversationId, answerId));
        return new Submitted(
                accepted,
                handOver ? new Claim(taskId, leaseId, userId, conversationId, answerId, lane.name(), 1) : null,
                question.content(),
                events);
    }
}
