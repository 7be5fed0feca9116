// The chat's pure rules: what a message looks like on the page, how a task ended (from an event,
// a task, a stored message or the send answer), and how an outcome or an optimistic send changes
// a conversation's cached data. No React, no I/O.
import type {
  ConversationDetail,
  LanechatFile,
  Message,
  MessageStatus,
  SendMessageResponse,
  Task,
  TaskEventData,
  TaskResult,
} from '../../../lib/api';

export interface ChatMessage {
  /** Server message id, or a local placeholder id (`local-…`) until the server's copy is loaded. */
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  taskId: string | null;
  lane: string | null;
  model: string | null;
  costUsd: number | null;
  files: LanechatFile[];
  error: string | null;
  /** A failed task that was cancelled (shown as stopped rather than failed). */
  cancelled: boolean;
  /** Not yet confirmed by the server's conversation data. */
  local: boolean;
  /** The versions of this message (E12): its siblings' ids, oldest first, itself included. */
  siblingIds?: string[];
  /**
   * A pending answer's live partial text from `progress` frames (a preview; the final result
   * replaces it). Absent while nothing usable streamed, or after a gap was detected.
   */
  partial?: string;
}

/** How a task ended, from a WebSocket event, a poll or the send answer itself. */
export interface TaskOutcome {
  status: 'completed' | 'failed';
  content: string;
  model: string | null;
  costUsd: number | null;
  files: LanechatFile[];
  error: string | null;
  cancelled: boolean;
  lane: string | null;
  conversationId: string | null;
}

/** A message in the conversation's cache; `local` marks the optimistic ones of a send. */
export interface CachedMessage extends Message {
  local?: boolean;
  /** Stopped (a `task.failed` event may say so without the error being "cancelled"). */
  cancelled?: boolean;
}

export function isPending(status: MessageStatus): boolean {
  return status === 'queued' || status === 'running';
}

function completed(result: TaskResult, lane: string | null, conversationId: string | null): TaskOutcome {
  return {
    status: 'completed',
    content: result.content ?? '',
    model: result.model ?? null,
    costUsd: result.cost_usd ?? null,
    files: result.files ?? [],
    error: null,
    cancelled: false,
    lane,
    conversationId,
  };
}

export function failed(error: string | null, lane: string | null, conversationId: string | null): TaskOutcome {
  const message = error ?? 'The task failed.';
  return {
    status: 'failed',
    content: '',
    model: null,
    costUsd: null,
    files: [],
    error: message,
    cancelled: message === 'cancelled',
    lane,
    conversationId,
  };
}

/**
 * How an `update` event's task ended, or null when it ended nothing (another type, or no task
 * id). The rules are docs/client-vectors.json's `task_outcome`, shared with the Java client.
 */
export function outcomeFromEvent(data: TaskEventData): TaskOutcome | null {
  if (typeof data.task_id !== 'string') return null;
  const lane = data.lane ?? null;
  const conversationId = data.conversation_id ?? null;
  if (data.type === 'task.completed' && data.result) return completed(data.result, lane, conversationId);
  if (data.type === 'task.failed') {
    const outcome = failed(data.error ?? null, lane, conversationId);
    return data.cancelled === true ? { ...outcome, cancelled: true } : outcome;
  }
  return null;
}

export function outcomeFromTask(task: Task): TaskOutcome {
  const lane = task.lane ?? null;
  const conversationId = task.conversation_id ?? null;
  if (task.status === 'completed' && task.result) return completed(task.result, lane, conversationId);
  if (task.status === 'completed')
    return { ...failed(null, lane, conversationId), status: 'completed', error: null, cancelled: false };
  return failed(task.error ?? null, lane, conversationId);
}

/** An ended answer as the server stored it (e.g. found after a reload). */
export function outcomeFromMessage(m: Message, conversationId: string | null): TaskOutcome {
  if (m.status === 'completed') {
    return {
      ...completed(
        { content: m.content, model: m.model ?? '', cost_usd: m.cost_usd ?? 0, files: m.files ?? [] },
        m.lane,
        conversationId,
      ),
      model: m.model,
      costUsd: m.cost_usd,
    };
  }
  return failed(m.error, m.lane, conversationId);
}

export function outcomeFromSend(response: SendMessageResponse): TaskOutcome | null {
  if (response.status !== 'completed' || !response.result) return null;
  return completed(response.result, response.lane, response.conversation_id);
}

export function announcementFor(outcome: TaskOutcome): string {
  if (outcome.status === 'completed') return `New answer: ${outcome.content.slice(0, 500)}`;
  return outcome.cancelled ? 'The answer was stopped.' : `The answer failed: ${outcome.error ?? ''}`;
}

export function withOutcome(m: CachedMessage, outcome: TaskOutcome): CachedMessage {
  return {
    ...m,
    status: outcome.status,
    content: outcome.content,
    model: outcome.model,
    cost_usd: outcome.costUsd,
    files: outcome.files,
    error: outcome.error,
    lane: outcome.lane ?? m.lane,
    cancelled: outcome.cancelled,
  };
}

/** The conversation with the task's pending answer ended as `outcome` (the same object if none). */
export function withTaskOutcome(detail: ConversationDetail, taskId: string, outcome: TaskOutcome): ConversationDetail {
  let changed = false;
  const messages = detail.messages.map((m) => {
    if (m.role !== 'assistant' || m.task_id !== taskId || !isPending(m.status)) return m;
    changed = true;
    return withOutcome(m, outcome);
  });
  return changed ? { ...detail, messages } : detail;
}

/** A send's two optimistic messages: the user's text and the pending answer. */
export function optimisticPair(
  content: string,
  lane: string | null,
  ids: [string, string],
): [CachedMessage, CachedMessage] {
  const base = {
    task_id: null,
    lane,
    model: null,
    cost_usd: null,
    files: [],
    error: null,
    created_at: new Date().toISOString(),
    local: true,
  };
  return [
    { ...base, id: ids[0], role: 'user', content, status: 'completed' },
    { ...base, id: ids[1], role: 'assistant', content: '', status: 'queued' },
  ];
}

/** Applies `change` to the messages with these ids. */
export function updateMessages(
  detail: ConversationDetail,
  ids: string[],
  change: (m: CachedMessage) => CachedMessage | null,
): ConversationDetail {
  const messages: CachedMessage[] = [];
  for (const m of detail.messages as CachedMessage[]) {
    const next = ids.includes(m.id) ? change(m) : m;
    if (next) messages.push(next);
  }
  return { ...detail, messages };
}

export function toChatMessage(m: CachedMessage, partial: string | undefined): ChatMessage {
  const message: ChatMessage = {
    id: m.id,
    role: m.role,
    content: m.content ?? '',
    status: m.status,
    taskId: m.task_id ?? null,
    lane: m.lane ?? null,
    model: m.model ?? null,
    costUsd: m.cost_usd ?? null,
    files: m.files ?? [],
    error: m.error ?? null,
    cancelled: m.cancelled ?? (m.status === 'failed' && m.error === 'cancelled'),
    local: m.local === true,
    siblingIds: m.sibling_ids ?? [m.id],
  };
  return partial !== undefined && m.role === 'assistant' && isPending(m.status) ? { ...message, partial } : message;
}

/** A random id (idempotency keys, optimistic message ids); no shared counter. */
export function newId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Someone (another tab, another client of this user) started a task: worth a refetch. */
export function isStart(data: TaskEventData): boolean {
  return data.type === 'task.queued' || data.type === 'task.running';
}

/** The list with `id` added once. */
export function withId(ids: string[], id: string): string[] {
  return ids.includes(id) ? ids : [...ids, id];
}
