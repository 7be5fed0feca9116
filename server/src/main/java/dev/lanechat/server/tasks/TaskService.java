package dev.lanechat.server.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.Rejection;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.conversations.ConversationService;
import dev.lanechat.server.conversations.ConversationTasks;
import dev.lanechat.server.conversations.Message;
import dev.lanechat.server.events.Event;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileInfo;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lane;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.lanes.ProcessorInput;
import dev.lanechat.server.lanes.ProcessorResult;
import dev.lanechat.server.logging.LogText;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.store.Timestamps;
import dev.lanechat.server.usage.UsageLedger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a task: submit (the user's message, the pending answer and the queued task in one
 * transaction), claim under a lease, complete or fail (the result, the answer and the event in one
 * transaction, guarded by the lease, so each task ends exactly once), cancel, and the sweep that
 * retries tasks whose lease ran out. Events are handed to the {@link Notifier} after each commit.
 */
public final class TaskService implements ConversationTasks {
    private static final Logger log = LoggerFactory.getLogger(TaskService.class);

    private final Jdbi jdbi;
    private final Database database;
    private final TaskRepository tasks;
    private final ConversationRepository conversations;
    private final FileRepository files;
    private final IdempotencyKeys idempotencyKeys;
    private final EventLog eventLog;
    private final Notifier notifier;
    private final Lanes lanes;
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration lease;
    private final int defaultMaxAttempts;
    private final int historyMessages;
    private final int historyBytes;
    private final List<Consumer<String>> queuedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> cancelListeners = new CopyOnWriteArrayList<>();
    private final Map<String, Handoff> handoffs = new java.util.concurrent.ConcurrentHashMap<>();
    private final UsageLedger usage;
    private final PartialAnswers partial;

    /**
     * The lease of an in-server loop's task on single-process SQLite: never renewed and never
     * expiring while this process lives; the start-up sweep (every lease before the end of time)
     * retries it after a crash.
     */
    static final Instant HELD_IN_MEMORY = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    /**
     * A committed submit and, when it was handed to a loop, the claim that loop runs with the
     * content of the message it answers; the events it committed (a regenerate's or an edit's
     * {@code conversation.switched}).
     */
    private record Submitted(Accepted accepted, Claim handed, String answered, List<Event> events) {}

    public TaskService(
            Database database,
            ConversationRepository conversations,
            FileRepository files,
            EventLog eventLog,
            Notifier notifier,
            Lanes lanes,
            ObjectMapper json,
            Clock clock,
            Duration lease,
            int maxAttempts,
            int historyMessages,
            int historyBytes,
            UsageLedger usage,
            PartialAnswers partial) {
        this.usage = usage;
        this.partial = partial;
        this.historyMessages = historyMessages;
        this.historyBytes = historyBytes;
        this.database = database;
        this.jdbi = database.jdbi();
        this.tasks = new TaskRepository(database.dialect(), files);
        this.conversations = conversations;
        this.files = files;
        this.idempotencyKeys = new IdempotencyKeys(jdbi, clock);
        this.eventLog = eventLog;
        this.notifier = notifier;
        this.lanes = lanes;
        this.json = json;
        this.clock = clock;
        this.lease = lease;
        this.defaultMaxAttempts = maxAttempts;
    }

    /** Called with a lane's name after a task was queued on it (a wake-up for its runner). */
    public void onQueued(Consumer<String> listener) {
        queuedListeners.add(listener);
    }

    /**
     * Where submits on {@code lane} hand their task in memory when one of its loops is idle: the
     * task is stored already claimed, inside the submit's transaction (issue 15: no claim
     * transaction). On single-process SQLite its lease never runs out while this process lives;
     * on PostgreSQL it is an ordinary lease, renewed by the loop, so that if this node dies another
     * one's sweep retries it, and the other nodes' {@code SKIP LOCKED} claims never see it queued.
     */
    void handOffTo(String lane, Handoff handoff) {
        handoffs.put(lane, handoff);
    }

    /**
     * Whether a task handed to a loop is stored queued (held for that loop, which starts it) rather
     * than running, a lane then holding a backlog of handed tasks: on both stores (issue 15: on
     * PostgreSQL too, where the loops had waited for a commit per task). On PostgreSQL the hold is
     * a lease of this node: if the node dies, the others' sweep gives the task back to the queue.
     */
    boolean handsOverQueued() {
        return true;
    }

    /**
     * Starts a handed task's first attempt without waiting for the commit: the loop runs it at once,
     * and its completion, queued after this on the store's writer, commits with or after it (on
     * SQLite), or possibly before it (on two of PostgreSQL's writer lines): then the completion
     * ends the held task, and this start finds it ended and changes nothing. Returns what takes the
     * start back while SQLite's writer has not begun it (true: taken back): a completion queued by
     * then ends the task from its held state, one write unit fewer per task (issue 15).
     */
    java.util.function.BooleanSupplier startLater(Claim claim) {
        dev.lanechat.server.store.PendingWrite<Boolean> start = database.inTransactionWithdrawable(h -> {
            boolean started = tasks.start(h, claim.taskId(), claim.leaseId(), clock.instant(), inServerLeaseEnd());
            if (started) {
                conversations.setPendingStatus(h, claim.messageId(), TaskStatus.RUNNING);
            }
            return started;
        });
        var unused = start.future().whenComplete((started, error) -> {
            if (error != null) {
                log.warn(
                        "Task {}: could not be started: {}",
                        claim.taskId(),
                        dev.lanechat.server.store.StoreErrors.describe(error));
            }
        });
        return start.withdraw();
    }

    /**
     * Extends the hold of a handed task that waited long in its lane's backlog (PostgreSQL); false
     * when it was cancelled or given back to the queue meanwhile, and then it must not run here.
     */
    boolean renewHeld(Claim claim) {
        return jdbi.inTransaction(h -> tasks.renewHeld(h, claim.taskId(), claim.leaseId(), inServerLeaseEnd()));
    }

    /** Gives a handed task that no loop started back to the queue (the server is stopping). */
    boolean releaseHeld(Claim claim) {
        return jdbi.inTransaction(h -> tasks.releaseHeld(h, claim.taskId(), claim.leaseId()));
    }

    /** At start: tasks held in memory by the previous run go back on the queue. */
    public int releaseAllHeld() {
        return jdbi.inTransaction(tasks::releaseAllHeld);
    }

    /** Called with a task's id after it was cancelled (so that whoever runs it can stop). */
    public void onCancelled(Consumer<String> listener) {
        cancelListeners.add(listener);
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
                new Request(Kind.SEND, conversationId, null, content, attachments),
                laneName,
                idempotencyKey,
                attachments.isEmpty()
                        ? hash(conversationId, content, laneName)
                        : hash(conversationId, content, laneName, String.join(",", attachments)));
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
                new Request(Kind.REGENERATE, conversationId, messageId, null, List.of()),
                laneName,
                idempotencyKey,
                hash(conversationId, "regenerate", messageId, laneName));
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
                new Request(Kind.EDIT, conversationId, messageId, content, List.of()),
                laneName,
                idempotencyKey,
                hash(conversationId, "edit", messageId, content, laneName));
    }

    private enum Kind {
        SEND,
        REGENERATE,
        EDIT
    }

    /**
     * What to queue: {@code messageId} is the message regenerated or edited; {@code content} the new
     * text; {@code attachments} the uploads a send attaches to its new user message (E14).
     */
    private record Request(
            Kind kind, String conversationId, String messageId, String content, List<String> attachments) {}

    /** The lane a send names (400 when this server has none of that name); null when it names none. */
    private Lane namedLane(String laneName) {
        return laneName == null
                ? null
                : lanes.find(laneName)
                        .orElseThrow(() ->
                                Rejection.invalid("Unknown lane '" + laneName + "'; GET /api/lanes lists the lanes."));
    }

    /**
     * The reservation of a lane's idle loop that a submit takes inside its transaction, once it
     * knows the lane: given back when the transaction did not commit or was a repeat.
     */
    private static final class Reservation {
        private Handoff handoff;

        boolean take(Handoff h) {
            undo(); // a transaction run again takes one reservation, not two
            if (h != null && h.reserve()) {
                handoff = h;
                return true;
            }
            return false;
        }

        void undo() {
            if (handoff != null) {
                handoff.unreserve();
                handoff = null;
            }
        }
    }

    private Accepted queue(String userId, Request request, String laneName, String idempotencyKey, String requestHash) {
        Lane named = namedLane(laneName);
        Reservation reservation = new Reservation();
        Submitted submitted;
        try {
            submitted = jdbi.inTransaction(
                    h -> submitIn(h, userId, request, named, laneName, idempotencyKey, requestHash, reservation));
        } catch (RuntimeException e) {
            reservation.undo();
            if (idempotencyKey == null || !database.dialect().isUniqueViolation(e)) {
                throw e;
            }
            // Two requests with one key raced; the other committed first, so answer as a repeat.
            Accepted earlier = jdbi.inTransaction(
                    h -> repeat(h, userId, idempotencyKey, requestHash).orElseThrow(() -> e));
            submitted = new Submitted(earlier, null, null, List.of());
        }
        notifier.published(submitted.events());
        if (submitted.handed() != null) {
            // With attachments the loop reads the message (and its files) from the store.
            reservation.handoff.hand(submitted.handed(), request.attachments().isEmpty() ? submitted.answered() : null);
        } else {
            reservation.undo();
            String queuedOn = submitted.accepted().lane();
            queuedListeners.forEach(l -> l.accept(queuedOn));
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
            Request request,
            Lane named,
            String namedLane,
            String idempotencyKey,
            String requestHash,
            Reservation reservation) {
        if (idempotencyKey != null) {
            Optional<Accepted> earlier = repeat(h, userId, idempotencyKey, requestHash);
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
        boolean handOver = reservation.take(handoffs.get(lane.name()));
        // After the reserve, which checked that the conversation is the user's: only then do the
        // message's own refusals (404, 400, 409) say anything about it.
        Question question = questionOf(h, request, reserved.previousLeafId());
        String at = Timestamps.format(now);
        String taskId = UUID.randomUUID().toString();
        String answerId = UUID.randomUUID().toString();
        String userMessageId = question.id();
        String leaseId = handOver ? UUID.randomUUID().toString() : null;
        // On SQLite a handed task stays queued until its loop starts it (it may wait behind others).
        boolean running = handOver && !handsOverQueued();
        Message answer = new Message(
                answerId,
                "assistant",
                "",
                running ? TaskStatus.RUNNING : TaskStatus.QUEUED,
                taskId,
                lane.name(),
                null,
                null,
                List.of(),
                null,
                at,
                userMessageId,
                List.of());
        if (question.isNew()) {
            // The user's message and its answer in one INSERT (issue 15), then its attachments.
            conversations.insertMessagePair(
                    h, conversationId, userMessage(question, taskId, lane, at), answer, reserved.position());
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
                handOver ? inServerLeaseEnd() : null,
                running);
        Accepted accepted =
                new Accepted(TaskStatus.QUEUED, taskId, answerId, userMessageId, conversationId, lane.name());
        if (idempotencyKey != null) {
            idempotencyKeys.insert(h, userId, idempotencyKey, requestHash, write(accepted));
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

    /**
     * The user message a new answer answers: an existing one ({@code isNew} false: a regenerate),
     * or one to store under {@code parentId} (a send: under the leaf; an edit: beside the message
     * edited).
     */
    private record Question(String id, String content, boolean isNew, String parentId) {}

    private Question questionOf(Handle h, Request request, String leafId) {
        if (request.kind() == Kind.SEND) {
            return new Question(UUID.randomUUID().toString(), request.content(), true, leafId);
        }
        Message target = conversations
                .findMessage(h, request.conversationId(), request.messageId())
                .orElseThrow(() -> Rejection.notFound("message"));
        boolean answer = target.role().equals("assistant");
        if (request.kind() == Kind.EDIT) {
            if (answer) {
                throw Rejection.invalid("Only a message of yours can be edited; regenerate an answer instead.");
            }
            return new Question(UUID.randomUUID().toString(), request.content(), true, target.parentId());
        }
        if (!answer) {
            if (conversations.hasPendingAnswer(h, request.conversationId(), target.id())) {
                throw Rejection.conflict("An answer to this message is still being written; wait for it to end (or"
                        + " cancel it) to ask for another.");
            }
            return new Question(target.id(), target.content(), false, target.parentId());
        }
        if (TaskStatus.QUEUED.equals(target.status()) || TaskStatus.RUNNING.equals(target.status())) {
            throw Rejection.conflict(
                    "This answer is still being written; wait for it to end (or cancel it) to regenerate it.");
        }
        Message user = conversations
                .findMessage(h, request.conversationId(), target.parentId())
                .orElseThrow(() -> new IllegalStateException("an answer without its user message"));
        return new Question(user.id(), user.content(), false, user.parentId());
    }

    private static Message userMessage(Question question, String taskId, Lane lane, String at) {
        return new Message(
                question.id(),
                "user",
                question.content(),
                TaskStatus.COMPLETED,
                taskId,
                lane.name(),
                null,
                null,
                List.of(),
                null,
                at,
                question.parentId(),
                List.of());
    }

    private Optional<Accepted> repeat(Handle h, String userId, String key, String requestHash) {
        return idempotencyKeys.find(h, userId, key).map(stored -> {
            if (!stored.requestHash().equals(requestHash)) {
                throw Rejection.conflict("This Idempotency-Key was used for a different request; use a new key.");
            }
            try {
                return json.readValue(stored.response(), Accepted.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("stored idempotent answer is unreadable", e);
            }
        });
    }

    public Optional<Task> find(String userId, String taskId) {
        return jdbi.withHandle(h -> tasks.find(h, userId, taskId));
    }

    /**
     * Cancels a queued or running task: it ends failed with error "cancelled", and its answer keeps
     * the text streamed so far when the task streams on this node (protocol.md E13).
     */
    public Task cancel(String userId, String taskId) {
        List<Event> events = jdbi.inTransaction(h -> {
            Claim task = tasks.cancel(h, userId, taskId, clock.instant()).orElseThrow(() -> {
                if (tasks.find(h, userId, taskId).isEmpty()) {
                    return Rejection.notFound("task");
                }
                return Rejection.conflict(
                        "This task has already ended; only a queued or running task can be cancelled.");
            });
            // Sealed before the commit: no later delta is sent, so every tab ends with this text.
            String kept = partial.stop(taskId).orElse("");
            return List.of(recordCancel(h, task, kept));
        });
        notifier.published(events);
        cancelListeners.forEach(l -> l.accept(taskId));
        return find(userId, taskId).orElseThrow();
    }

    @Override
    public List<Event> cancelAndDeleteTasksOf(Handle h, String userId, String conversationId) {
        List<Event> events = new ArrayList<>();
        for (String taskId : tasks.unfinishedIn(h, conversationId)) {
            tasks.cancel(h, userId, taskId, clock.instant()).ifPresent(task -> events.add(recordCancel(h, task, "")));
        }
        tasks.deleteForConversation(h, conversationId);
        return events;
    }

    @Override
    public void announceCancelled(List<Event> cancelEvents) {
        for (Event event : cancelEvents) {
            try {
                String taskId = json.readTree(event.dataJson()).path("task_id").asText();
                cancelListeners.forEach(l -> l.accept(taskId));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Event recordCancel(Handle h, Claim task, String kept) {
        conversations.fail(h, task.conversationId(), task.messageId(), TaskStatus.CANCELLED, clock.instant());
        if (!kept.isEmpty()) {
            conversations.setContent(h, task.messageId(), kept);
        }
        return eventLog.append(h, task.userId(), "task.failed", cancelledData(task, kept));
    }

    private static Map<String, Object> cancelledData(Claim task, String kept) {
        Map<String, Object> data = failedData(task, TaskStatus.CANCELLED);
        data.put("cancelled", true);
        data.put("content", kept);
        return data;
    }

    /**
     * The text a task streamed so far, while it runs on this node (a read shows it in its running
     * answer); empty when it does not stream here.
     */
    @Override
    public Optional<String> textSoFar(String taskId) {
        return partial.textSoFar(taskId);
    }

    /**
     * A runner's second word on a task cancelled on another node (whose answer was stored without
     * text): stores {@code kept} as the answer's content if it is still the cancelled answer with
     * no content, and tells every tab with another {@code task.failed} event that carries it.
     * False when there was nothing to do.
     */
    public boolean keepStoppedText(Claim claim, String kept) {
        if (kept.isEmpty()) {
            return false;
        }
        Optional<Event> event = jdbi.inTransaction(h -> {
            boolean updated = conversations.fillStopped(h, claim.messageId(), kept);
            return !updated
                    ? Optional.<Event>empty()
                    : Optional.of(eventLog.append(h, claim.userId(), "task.failed", cancelledData(claim, kept)));
        });
        event.ifPresent(e -> notifier.published(List.of(e)));
        return event.isPresent();
    }

    /**
     * Takes the oldest queued task of {@code lane} for an in-server loop. On single-process SQLite
     * its lease does not run out while this process lives (only a crash ends it, and the start-up
     * sweep retries it), so the loop renews nothing; elsewhere it is a lease of {@link #lease()}.
     */
    public Optional<Claim> claim(String lane) {
        return jdbi.inTransaction(h -> claimIn(h, lane, inServerLeaseEnd()));
    }

    /** Whether an in-server loop must renew the leases of its claims (false on single-process SQLite). */
    public boolean inServerLeasesExpire() {
        return !database.dialect().singleProcess();
    }

    private Instant inServerLeaseEnd() {
        return inServerLeasesExpire() ? clock.instant().plus(lease) : HELD_IN_MEMORY;
    }

    private Optional<Claim> claimIn(Handle h, String lane, Instant expires) {
        Optional<Claim> claim = tasks.claim(h, lane, UUID.randomUUID().toString(), clock.instant(), expires);
        claim.ifPresent(c -> conversations.setPendingStatus(h, c.messageId(), TaskStatus.RUNNING));
        return claim;
    }

    /** A claim and when its lease runs out unless renewed. */
    public record Leased(Claim claim, Instant expiresAt) {}

    /** {@link #claim}, with the lease's deadline (the worker API shows it). */
    public Optional<Leased> claimLeased(String lane) {
        String leaseId = UUID.randomUUID().toString();
        return jdbi.inTransaction(h -> {
            Instant now = clock.instant(); // stamped inside the transaction, as every write here
            Instant expires = now.plus(lease);
            Optional<Claim> claim = tasks.claim(h, lane, leaseId, now, expires);
            claim.ifPresent(c -> conversations.setPendingStatus(h, c.messageId(), TaskStatus.RUNNING));
            return claim.map(c -> new Leased(c, expires));
        });
    }

    /** How many attempts a task of {@code lane} gets: the lane's own number, else the server's. */
    int attemptsOf(String lane) {
        return lanes.find(lane).map(Lane::attempts).filter(n -> n > 0).orElse(defaultMaxAttempts);
    }

    /** The running task {@code taskId} held under {@code leaseId}; empty when that lease was lost. */
    public Optional<Claim> held(String taskId, String leaseId) {
        return jdbi.withHandle(h -> tasks.held(h, taskId, leaseId));
    }

    /** The lane of the task with this id (of any user), for the worker API's lane check. */
    public Optional<String> laneOf(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT lane FROM tasks WHERE id = :id")
                .bind("id", taskId)
                .mapTo(String.class)
                .findOne());
    }

    /** Whether a task with this id exists (of any user; the worker API tells 404 from 409 with it). */
    public boolean exists(String taskId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE id = :id")
                        .bind("id", taskId)
                        .mapTo(Integer.class)
                        .one()
                > 0);
    }

    /** How many tasks of {@code lane} run now (on every node). */
    public int runningCount(String lane) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT COUNT(*) FROM tasks WHERE lane = :lane AND status = 'running'")
                        .bind("lane", lane)
                        .mapTo(Integer.class)
                        .one());
    }

    /** Extends the lease {@code leaseId} of a running task; its new deadline, or empty when the lease was lost. */
    public Optional<Instant> heartbeat(String taskId, String leaseId) {
        Instant expires = clock.instant().plus(lease);
        return jdbi.inTransaction(h -> tasks.renew(h, taskId, leaseId, expires))
                ? Optional.of(expires)
                : Optional.empty();
    }

    /**
     * What the processor of a claimed task answers: its message and the conversation before it,
     * bounded: with the message, at most the newest {@code historyMessages} messages and
     * {@code historyBytes} of content (the oldest are left out; the message itself always goes).
     * Without {@code withHistory} (a lane that does not read it), the message alone. With it, also
     * the conversation's system prompt as it is now (protocol.md E15).
     */
    public ProcessorInput inputOf(Claim claim, boolean withHistory) {
        if (!withHistory) {
            String content = jdbi.withHandle(
                            h -> conversations.messageAnswered(h, claim.conversationId(), claim.messageId()))
                    .orElse("");
            return new ProcessorInput(claim.taskId(), content, List.of(), null, attachmentsOf(claim));
        }
        List<ProcessorInput.Attachment> attachments = attachmentsOf(claim);
        return jdbi.withHandle(h -> {
            List<Map.Entry<String, String>> turns =
                    conversations.history(h, claim.conversationId(), claim.messageId(), historyMessages, historyBytes);
            List<ProcessorInput.Turn> history = turns.stream()
                    .map(e -> new ProcessorInput.Turn(e.getKey(), e.getValue()))
                    .toList();
            // The last turn is the user's message this task answers.
            String content =
                    history.isEmpty() ? "" : history.get(history.size() - 1).content();
            String systemPrompt =
                    conversations.systemPromptOf(h, claim.conversationId()).orElse(null);
            return new ProcessorInput(
                    claim.taskId(),
                    content,
                    history.subList(0, Math.max(0, history.size() - 1)),
                    systemPrompt,
                    attachments);
        });
    }

    /** The files attached to the message a claimed task answers, with their bytes (E14). */
    private List<ProcessorInput.Attachment> attachmentsOf(Claim claim) {
        return jdbi.withHandle(h -> conversations
                .messageAnsweredId(h, claim.conversationId(), claim.messageId())
                .map(id -> files.withData(h, id).stream()
                        .map(f -> new ProcessorInput.Attachment(
                                f.info().id(),
                                f.info().name(),
                                f.info().contentType(),
                                f.info().size(),
                                f.info().kind(),
                                "/api/tasks/" + claim.taskId() + "/files/"
                                        + f.info().id(),
                                f.data()))
                        .toList())
                .orElse(List.of()));
    }

    /** The message a running task answers, for its worker's downloads; empty when the task is not running. */
    public Optional<String> runningTaskMessage(String taskId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT conversation_id, message_id FROM tasks WHERE id = :id AND status = 'running'")
                .bind("id", taskId)
                .map((rs, ctx) -> Map.entry(rs.getString("conversation_id"), rs.getString("message_id")))
                .findOne()
                .flatMap(t -> conversations.messageAnsweredId(h, t.getKey(), t.getValue())));
    }

    /** Extends a lease; false when it was lost (the task was cancelled or is no longer this holder's). */
    public boolean renew(Claim claim) {
        return jdbi.inTransaction(h ->
                tasks.renew(h, claim.taskId(), claim.leaseId(), clock.instant().plus(lease)));
    }

    public Duration lease() {
        return lease;
    }

    /**
     * Completes a claimed task: result, answer, files and event in one transaction. False when the
     * lease was lost, in which case nothing was written.
     */
    public boolean complete(Claim claim, ProcessorResult result) {
        Optional<Event> event = jdbi.inTransaction(h -> completeIn(h, claim, result, clock.instant()));
        event.ifPresent(e -> notifier.published(List.of(e)));
        return event.isPresent();
    }

    /**
     * {@link #complete} without waiting for the commit (issue 15: a loop that waited for each
     * completion's fsync ran one task per commit): queued for the store's writer, whose commit
     * comes before the push as always. The future holds whether the task completed (false: its
     * lease was lost) once committed, and completes on the writer's thread.
     */
    public java.util.concurrent.CompletableFuture<Boolean> completeLater(Claim claim, ProcessorResult result) {
        return database.inTransactionLater(h -> completeIn(h, claim, result, clock.instant()))
                .thenApply(event -> {
                    event.ifPresent(e -> notifier.published(List.of(e)));
                    return event.isPresent();
                });
    }

    private Optional<Event> completeIn(Handle h, Claim claim, ProcessorResult result, Instant now) {
        return tasks.finish(h, claim.taskId(), claim.leaseId(), TaskStatus.COMPLETED, null, now)
                .map(task -> {
                    conversations.complete(
                            h,
                            task.conversationId(),
                            task.messageId(),
                            result.content(),
                            result.model(),
                            result.costUsd(),
                            now);
                    List<FileInfo> stored = files.insert(h, task.userId(), task.messageId(), result.files(), now);
                    usage.record(h, task.userId(), result, now); // issue 20: counted with the completion, once
                    Map<String, Object> data = eventData("task.completed", task);
                    data.put("result", new TaskResult(result.content(), result.model(), result.costUsd(), stored));
                    return eventLog.append(h, task.userId(), "task.completed", data);
                });
    }

    /**
     * Records a failed attempt: a retriable failure with attempts left goes back on the queue;
     * otherwise the task fails with {@code error} (answer and event in one transaction). False when
     * the lease was lost.
     */
    public boolean fail(Claim claim, String error, boolean retriable) {
        int maxAttempts = attemptsOf(claim.lane());
        if (retriable && claim.attempt() < maxAttempts) {
            boolean requeued = jdbi.inTransaction(h -> {
                boolean done = tasks.requeue(h, claim.taskId(), claim.leaseId(), clock.instant());
                if (done) {
                    conversations.setPendingStatus(h, claim.messageId(), TaskStatus.QUEUED);
                }
                return done;
            });
            if (requeued) {
                // The error text stays out of INFO: a worker's or an endpoint's words may quote the
                // message; at DEBUG it is shown with its control characters replaced.
                log.info(
                        "Task {} on lane {} failed (attempt {} of {}), retrying",
                        claim.taskId(),
                        claim.lane(),
                        claim.attempt(),
                        maxAttempts);
                log.debug("Task {} failed: {}", claim.taskId(), LogText.clean(error));
                queuedListeners.forEach(l -> l.accept(claim.lane()));
            }
            return requeued;
        }
        String finalError = retriable ? error + " (gave up after " + claim.attempt() + " attempts)" : error;
        Optional<Event> event = jdbi.inTransaction(h -> {
            Instant now = clock.instant();
            return tasks.finish(h, claim.taskId(), claim.leaseId(), TaskStatus.FAILED, finalError, now)
                    .map(task -> {
                        conversations.fail(h, task.conversationId(), task.messageId(), finalError, now);
                        return eventLog.append(h, task.userId(), "task.failed", failedData(task, finalError));
                    });
        });
        event.ifPresent(e -> {
            log.info(
                    "Task {} on lane {} failed (attempt {} of {})",
                    claim.taskId(),
                    claim.lane(),
                    claim.attempt(),
                    maxAttempts);
            log.debug("Task {} failed: {}", claim.taskId(), LogText.clean(finalError));
            notifier.published(List.of(e));
        });
        return event.isPresent();
    }

    /** Puts a task this server was running back on its queue, uncounted: the server is shutting down. */
    public boolean release(Claim claim) {
        return jdbi.inTransaction(h -> {
            boolean released = tasks.release(h, claim.taskId(), claim.leaseId(), clock.instant());
            if (released) {
                conversations.setPendingStatus(h, claim.messageId(), TaskStatus.QUEUED);
            }
            return released;
        });
    }

    /**
     * Retries (or, past the attempts, fails) running tasks whose lease ran out before
     * {@code deadline}: their runner died or hung. Returns how many it handled.
     */
    public int sweepExpiredLeases(Instant deadline) {
        if (inServerLeasesExpire()) {
            // Tasks a dead node held in memory, never started: back on the queue, for any node.
            List<String> released = jdbi.inTransaction(h -> tasks.releaseExpiredHeld(h, deadline.toEpochMilli()));
            if (!released.isEmpty()) {
                log.info("Gave {} task(s) held by a node that stopped back to the queue", released.size());
                released.stream().distinct().forEach(lane -> queuedListeners.forEach(l -> l.accept(lane)));
            }
        }
        Map<String, String> expired = jdbi.withHandle(h -> tasks.expiredLeases(h, deadline.toEpochMilli()));
        int handled = 0;
        for (Map.Entry<String, String> e : expired.entrySet()) {
            Optional<Claim> claim = jdbi.withHandle(h -> tasks.asClaim(h, e.getKey(), e.getValue()));
            if (claim.isPresent() && fail(claim.get(), "its runner stopped before it ended (lease expired)", true)) {
                handled++;
            }
        }
        return handled;
    }

    /** Deletes idempotency keys past their keeping time. */
    public int deleteExpiredIdempotencyKeys() {
        return idempotencyKeys.deleteExpired();
    }

    private static Map<String, Object> eventData(String type, Claim task) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("type", type);
        data.put("task_id", task.taskId());
        data.put("conversation_id", task.conversationId());
        data.put("message_id", task.messageId());
        data.put("lane", task.lane());
        return data;
    }

    private static Map<String, Object> failedData(Claim task, String error) {
        Map<String, Object> data = eventData("task.failed", task);
        data.put("result", null);
        data.put("error", error);
        return data;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The request's fingerprint for its idempotency key (a send's is that of version 1: id, content, lane). */
    private static String hash(String... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                digest.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
