package dev.lanechat.server.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanechat.server.conversations.ConversationRepository;
import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.Notifier;
import dev.lanechat.server.files.FileRepository;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.store.Database;
import dev.lanechat.server.usage.UsageLedger;
import java.time.Clock;
import java.time.Duration;

/**
 * The life of a task, a part for each step: submit (the user's message, the pending answer and the
 * queued task in one transaction), claim under a lease, complete or fail (the result, the answer
 * and the event in one transaction, guarded by the lease, so each task ends exactly once), cancel,
 * and the sweep that retries tasks whose lease ran out. Built together over one store; each caller
 * takes the parts it uses.
 */
public record Tasks(
        Submissions submissions,
        Cancellations cancellations,
        Claims claims,
        Completions completions,
        LeaseSweep sweep,
        ProcessorInputs inputs,
        TaskQueries queries,
        Handoffs handoffs,
        TaskSignals signals,
        Leases leases) {

    public static Tasks create(
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
        TaskRepository tasks = new TaskRepository(database.dialect());
        Leases leases = new Leases(database.dialect(), clock, lease);
        TaskSignals signals = new TaskSignals();
        Handoffs handoffs = new Handoffs();
        TaskQueries queries = new TaskQueries(database.jdbi(), conversations, files);
        Completions completions = new Completions(
                database, tasks, conversations, files, eventLog, notifier, lanes, clock, maxAttempts, usage, signals);
        return new Tasks(
                new Submissions(
                        database,
                        tasks,
                        conversations,
                        files,
                        new IdempotencyKeys(database.jdbi(), json, clock),
                        eventLog,
                        notifier,
                        lanes,
                        clock,
                        leases,
                        signals,
                        handoffs),
                new Cancellations(
                        database.jdbi(),
                        tasks,
                        queries,
                        conversations,
                        eventLog,
                        notifier,
                        json,
                        clock,
                        partial,
                        signals),
                new Claims(database, tasks, conversations, clock, leases),
                completions,
                new LeaseSweep(database.jdbi(), tasks, leases, signals, completions),
                new ProcessorInputs(database.jdbi(), conversations, files, historyMessages, historyBytes),
                queries,
                handoffs,
                signals,
                leases);
    }
}
