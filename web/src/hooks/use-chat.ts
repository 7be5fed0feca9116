// useChat: one conversation's messages (server data merged with local placeholders), sending,
// and resolving pending answers — by WebSocket events when the socket is up, by polling
// GET /api/tasks/{id} when it is not.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  cancelTask,
  getConversation,
  getTask,
  sendMessage as apiSendMessage,
  type ConversationDetail,
  type LanechatFile,
  type Message,
  type MessageStatus,
  type SendMessageResponse,
  type Task,
  type TaskEventData,
} from '../lib/api';
import { conversationKeys } from '../lib/query-keys';
import type { ProgressData, UseWebSocketResult } from './use-websocket';
import { useTaskPolling } from './use-task-polling';

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

export interface SendOptions {
  lane?: string;
  /** Send into this conversation instead of the hook's (e.g. one just created). */
  conversationId?: string;
}

export interface UseChatOptions {
  /** Poll interval for the HTTP fallback, ms. */
  pollIntervalMs?: number;
  /** Partial answers re-render at most once per this many ms (default 100: ≤ 10 renders/s). */
  progressRenderMs?: number;
}

/**
 * One task's live stream, rebuilt from `progress` frames. `text` is what came so far; `broken`
 * once a frame did not start where the text ends (a missed frame, a reconnect mid-stream, or a
 * page that joined mid-stream): the preview is dropped until the final answer.
 */
export interface StreamState {
  text: string;
  broken: boolean;
}

/**
 * Applies one `progress` frame to a task's stream (pure). `offset` counts UTF-16 code units,
 * as JavaScript's string length does. A frame at offset 0 (re)starts the stream (a task that is
 * run again after a restart streams from the start); any other offset must equal the length so
 * far, or the stream is broken for good.
 */
export function applyProgress(state: StreamState | undefined, delta: string, offset: number): StreamState {
  if (offset === 0) return { text: delta, broken: false };
  if (!state || state.broken || offset !== state.text.length) return { text: '', broken: true };
  return { text: state.text + delta, broken: false };
}

export interface UseChatResult {
  messages: ChatMessage[];
  conversation: ConversationDetail | undefined;
  isLoading: boolean;
  error: ApiError | null;
  sendMessage: (content: string, options?: SendOptions) => Promise<SendMessageResponse | null>;
  /**
   * Stops a pending answer (`POST /api/tasks/{id}/cancel`); the answer then shows as stopped.
   * When the task had already ended (409), its real outcome is fetched and shown instead.
   */
  stopTask: (taskId: string) => Promise<void>;
  /** Text for the page's aria-live region: the latest answer that arrived. */
  announcement: string;
}

interface LocalMessage extends ChatMessage {
  conversationId: string;
  /** For a placeholder: the server's assistant message id, once the send was answered. */
  messageId: string | null;
}

function isPending(status: MessageStatus): boolean {
  return status === 'queued' || status === 'running';
}

function outcomeFromEvent(data: TaskEventData): TaskOutcome | null {
  if (data.type === 'task.completed' && data.result) {
    return {
      status: 'completed',
      content: data.result.content ?? '',
      model: data.result.model ?? null,
      costUsd: data.result.cost_usd ?? null,
      files: data.result.files ?? [],
      error: null,
      cancelled: false,
      lane: data.lane ?? null,
      conversationId: data.conversation_id ?? null,
    };
  }
  if (data.type === 'task.failed') {
    return {
      status: 'failed',
      content: '',
      model: null,
      costUsd: null,
      files: [],
      error: data.error ?? 'The task failed.',
      cancelled: data.cancelled === true || data.error === 'cancelled',
      lane: data.lane ?? null,
      conversationId: data.conversation_id ?? null,
    };
  }
  return null;
}

function outcomeFromTask(task: Task): TaskOutcome {
  return {
    status: task.status === 'completed' ? 'completed' : 'failed',
    content: task.result?.content ?? '',
    model: task.result?.model ?? null,
    costUsd: task.result?.cost_usd ?? null,
    files: task.result?.files ?? [],
    error: task.status === 'failed' ? (task.error ?? 'The task failed.') : null,
    cancelled: task.status === 'failed' && task.error === 'cancelled',
    lane: task.lane ?? null,
    conversationId: task.conversation_id ?? null,
  };
}

function withOutcome<T extends ChatMessage>(message: T, outcome: TaskOutcome): T {
  return {
    ...message,
    status: outcome.status,
    content: outcome.content,
    model: outcome.model,
    costUsd: outcome.costUsd,
    files: outcome.files,
    error: outcome.error,
    cancelled: outcome.cancelled,
    lane: outcome.lane ?? message.lane,
  };
}

function fromServer(m: Message): ChatMessage {
  return {
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
    cancelled: m.status === 'failed' && m.error === 'cancelled',
    local: false,
  };
}

/** A placeholder's id until the server's copy is loaded (unique without a shared counter). */
function localId(kind: string): string {
  return `local-${kind}-${newIdempotencyKey()}`;
}

function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export function useChat(
  websocket?: UseWebSocketResult,
  conversationId?: string | null,
  options: UseChatOptions = {},
): UseChatResult {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const queryClient = useQueryClient();

  const query = useQuery({
    queryKey: conversationKeys.detail(conversationId ?? ''),
    queryFn: ({ signal }) => getConversation(conversationId as string, signal),
    enabled: Boolean(conversationId),
  });

  const [local, setLocal] = useState<LocalMessage[]>([]);
  const [outcomes, setOutcomes] = useState<Record<string, TaskOutcome>>({});
  const [pollOnly, setPollOnly] = useState<string[]>([]);
  const [announcement, setAnnouncement] = useState('');
  /** task_id → partial text to show (only streams that are not broken and have text). */
  const [partials, setPartials] = useState<Record<string, string>>({});
  const progressRenderMs = options.progressRenderMs ?? 100;

  /** task_id → the local assistant placeholder waiting for it. */
  const taskPlaceholderMap = useRef<Map<string, string>>(new Map());
  const outcomesRef = useRef<Map<string, TaskOutcome>>(new Map());
  const streamsRef = useRef<Map<string, StreamState>>(new Map());
  const flushTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlushAt = useRef(0);
  const mounted = useRef(true);
  const wsRef = useRef(websocket);
  wsRef.current = websocket;
  const conversationRef = useRef(conversationId);
  conversationRef.current = conversationId;

  const invalidateConversations = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
  }, [queryClient]);

  /** Records how a task ended. Returns false (and changes nothing) when it was already known. */
  const applyOutcome = useCallback((taskId: string, outcome: TaskOutcome): boolean => {
    if (outcomesRef.current.has(taskId)) return false;
    outcomesRef.current.set(taskId, outcome);
    streamsRef.current.delete(taskId);
    if (!mounted.current) return true;
    setOutcomes((prev) => ({ ...prev, [taskId]: outcome }));
    setPartials((prev) => {
      if (!(taskId in prev)) return prev;
      const next = { ...prev };
      delete next[taskId];
      return next;
    });
    const placeholderId = taskPlaceholderMap.current.get(taskId);
    if (placeholderId !== undefined) {
      setLocal((prev) => prev.map((m) => (m.id === placeholderId ? withOutcome(m, outcome) : m)));
      taskPlaceholderMap.current.delete(taskId);
    }
    wsRef.current?.removePendingTask(taskId);
    setPollOnly((prev) => (prev.includes(taskId) ? prev.filter((id) => id !== taskId) : prev));
    if (placeholderId !== undefined || outcome.conversationId === conversationRef.current) {
      setAnnouncement(
        outcome.status === 'completed'
          ? `New answer: ${outcome.content.slice(0, 500)}`
          : outcome.cancelled
            ? 'The answer was stopped.'
            : `The answer failed: ${outcome.error ?? ''}`,
      );
    }
    return true;
  }, []);

  // Live partial answers: frames update streamsRef at once; the page re-renders from it at most
  // once per progressRenderMs (the first frame of a quiet period renders immediately).
  const flushPartials = useCallback(() => {
    flushTimer.current = null;
    lastFlushAt.current = Date.now();
    if (!mounted.current) return;
    const next: Record<string, string> = {};
    for (const [taskId, stream] of streamsRef.current) {
      if (!stream.broken && stream.text.length > 0) next[taskId] = stream.text;
    }
    setPartials((prev) => {
      const keys = Object.keys(next);
      if (keys.length === Object.keys(prev).length && keys.every((k) => prev[k] === next[k])) return prev;
      return next;
    });
  }, []);

  const onProgress = useCallback(
    (p: ProgressData) => {
      if (outcomesRef.current.has(p.task_id)) return; // already ended: the final answer is the truth
      streamsRef.current.set(p.task_id, applyProgress(streamsRef.current.get(p.task_id), p.delta, p.offset));
      if (flushTimer.current !== null) return;
      const wait = lastFlushAt.current + progressRenderMs - Date.now();
      if (wait <= 0) flushPartials();
      else flushTimer.current = setTimeout(flushPartials, wait);
    },
    [flushPartials, progressRenderMs],
  );

  const subscribeProgress = websocket?.subscribeProgress;
  useEffect(() => {
    if (!subscribeProgress) return undefined;
    return subscribeProgress(onProgress);
  }, [subscribeProgress, onProgress]);

  useEffect(
    () => () => {
      if (flushTimer.current !== null) clearTimeout(flushTimer.current);
      flushTimer.current = null;
    },
    [],
  );

  // WebSocket events: fill the placeholder, stop waiting, refresh the conversation data.
  const lastEvent = websocket?.lastEvent ?? null;
  useEffect(() => {
    if (!lastEvent || lastEvent.event !== 'update' || !lastEvent.data) return;
    const data = lastEvent.data;
    const outcome = outcomeFromEvent(data);
    if (outcome) {
      if (applyOutcome(data.task_id, outcome)) invalidateConversations();
    } else if (data.type === 'task.queued' || data.type === 'task.running') {
      // Another tab (or client) of this user started something: show it.
      if (!outcomesRef.current.has(data.task_id)) invalidateConversations();
    }
    // Other types are ignored, as the protocol asks.
  }, [lastEvent, applyOutcome, invalidateConversations]);

  // Server data is the truth: pending answers it shows (e.g. after a reload) are waited for;
  // ended ones are taken as the outcome.
  const serverMessages = query.data?.messages;
  useEffect(() => {
    if (!serverMessages) return;
    for (const m of serverMessages) {
      if (m.role !== 'assistant' || !m.task_id) continue;
      if (isPending(m.status)) {
        if (outcomesRef.current.has(m.task_id)) continue;
        const ws = wsRef.current;
        if (ws) ws.registerPendingTask(m.task_id);
        else setPollOnly((prev) => (prev.includes(m.task_id as string) ? prev : [...prev, m.task_id as string]));
      } else if (!outcomesRef.current.has(m.task_id)) {
        const ws = wsRef.current;
        if (ws?.pendingTaskIds.includes(m.task_id) || taskPlaceholderMap.current.has(m.task_id)) {
          applyOutcome(m.task_id, outcomeFromTask({
            task_id: m.task_id,
            status: m.status,
            lane: m.lane ?? '',
            conversation_id: query.data?.id ?? '',
            message_id: m.id,
            created_at: m.created_at,
            updated_at: m.created_at,
            result: m.status === 'completed'
              ? { content: m.content, model: m.model ?? '', cost_usd: m.cost_usd ?? 0, files: m.files ?? [] }
              : null,
            error: m.error,
          }));
        }
      }
    }
  }, [serverMessages, applyOutcome, query.data?.id]);

  // Polling: tasks sent while the socket was down always; registered tasks while it is down.
  const socketUp = websocket?.isConnected ?? false;
  const registered = websocket?.pendingTaskIds;
  const watched = useMemo(
    () => [...new Set([...pollOnly, ...(registered ?? [])])].sort(),
    [pollOnly, registered],
  );
  const onPolled = useCallback(
    (task: Task) => {
      if (applyOutcome(task.task_id, outcomeFromTask(task))) invalidateConversations();
    },
    [applyOutcome, invalidateConversations],
  );
  const onGone = useCallback(
    (taskId: string, message: string) => {
      if (!applyOutcome(taskId, {
        status: 'failed', content: '', model: null, costUsd: null, files: [], error: message,
        cancelled: false, lane: null, conversationId: null,
      })) return;
      invalidateConversations();
    },
    [applyOutcome, invalidateConversations],
  );
  useTaskPolling(watched, {
    isPolled: (id) => !outcomesRef.current.has(id) && (!socketUp || pollOnly.includes(id)),
    intervalMs: pollIntervalMs,
    onEnded: onPolled,
    onGone,
  });

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const sendMessage = useCallback(
    async (content: string, sendOptions: SendOptions = {}): Promise<SendMessageResponse | null> => {
      const convId = sendOptions.conversationId ?? conversationRef.current;
      if (!convId || content.trim() === '') return null;
      const userId = localId('user');
      const placeholderId = localId('assistant');
      const now = new Date().toISOString();
      const base = {
        conversationId: convId, messageId: null, taskId: null, model: null, costUsd: null,
        files: [], error: null, cancelled: false, local: true, lane: sendOptions.lane ?? null,
      };
      setLocal((prev) => [
        ...prev,
        { ...base, id: userId, role: 'user', content, status: 'completed' },
        { ...base, id: placeholderId, role: 'assistant', content: '', status: 'queued' },
      ]);
      let response: SendMessageResponse;
      try {
        response = await apiSendMessage(convId, content, sendOptions.lane, newIdempotencyKey());
      } catch (err) {
        const message = err instanceof ApiError ? err.message : 'The message could not be sent.';
        if (mounted.current) {
          setLocal((prev) =>
            prev.map((m) => (m.id === placeholderId ? { ...m, status: 'failed', error: message } : m)),
          );
        }
        return null;
      }
      const taskId = response.task_id;
      if (mounted.current) {
        setLocal((prev) =>
          prev.map((m) => {
            if (m.id === userId) return { ...m, taskId };
            if (m.id === placeholderId) return { ...m, taskId, messageId: response.message_id, lane: response.lane };
            return m;
          }),
        );
      }
      taskPlaceholderMap.current.set(taskId, placeholderId);
      const known = outcomesRef.current.get(taskId);
      if (known) {
        // The event beat the answer to the POST.
        taskPlaceholderMap.current.delete(taskId);
        if (mounted.current) setLocal((prev) => prev.map((m) => (m.id === placeholderId ? withOutcome(m, known) : m)));
      } else if (response.status === 'completed' && response.result) {
        applyOutcome(taskId, outcomeFromTask({
          task_id: taskId, status: 'completed', lane: response.lane, conversation_id: convId,
          message_id: response.message_id, created_at: now, updated_at: now, result: response.result, error: null,
        }));
      } else {
        const ws = wsRef.current;
        if (ws?.isConnected) {
          ws.registerPendingTask(taskId); // the socket will tell us; no polling
        } else if (mounted.current) {
          setPollOnly((prev) => (prev.includes(taskId) ? prev : [...prev, taskId]));
        }
      }
      invalidateConversations();
      return response;
    },
    [applyOutcome, invalidateConversations],
  );

  const stopTask = useCallback(
    async (taskId: string): Promise<void> => {
      if (outcomesRef.current.has(taskId)) return;
      let task: Task;
      try {
        task = await cancelTask(taskId);
      } catch (err) {
        if (err instanceof ApiError && err.code === 'conflict') {
          // It ended before the cancel arrived: show how it really ended.
          try {
            task = await getTask(taskId);
          } catch {
            return; // the socket or the poller will still tell us
          }
          if (task.status !== 'completed' && task.status !== 'failed') return;
        } else {
          throw err;
        }
      }
      if (applyOutcome(taskId, outcomeFromTask(task))) invalidateConversations();
    },
    [applyOutcome, invalidateConversations],
  );

  const messages = useMemo(() => {
    const server = query.data?.messages ?? [];
    const serverIds = new Set(server.map((m) => m.id));
    const serverUserTasks = new Set(server.filter((m) => m.role === 'user' && m.task_id).map((m) => m.task_id));
    const shown: ChatMessage[] = server.map((m) => {
      const message = fromServer(m);
      const outcome = m.task_id ? outcomes[m.task_id] : undefined;
      return m.role === 'assistant' && isPending(m.status) && outcome ? withOutcome(message, outcome) : message;
    });
    for (const m of local) {
      if (m.conversationId !== conversationId) continue;
      if (m.role === 'assistant' && m.messageId !== null && serverIds.has(m.messageId)) continue;
      if (m.role === 'user' && m.taskId !== null && serverUserTasks.has(m.taskId)) continue;
      const { conversationId: _c, messageId: _m, ...message } = m;
      void _c;
      void _m;
      const outcome = m.taskId ? outcomes[m.taskId] : undefined;
      shown.push(m.role === 'assistant' && isPending(m.status) && outcome ? withOutcome(message, outcome) : message);
    }
    return shown.map((m) => {
      const partial = m.role === 'assistant' && isPending(m.status) && m.taskId ? partials[m.taskId] : undefined;
      return partial === undefined ? m : { ...m, partial };
    });
  }, [query.data, local, outcomes, conversationId, partials]);

  return {
    messages,
    conversation: query.data,
    isLoading: query.isLoading,
    error: query.error instanceof ApiError ? query.error : query.error ? new ApiError('internal', String(query.error), 0) : null,
    sendMessage,
    stopTask,
    announcement,
  };
}
