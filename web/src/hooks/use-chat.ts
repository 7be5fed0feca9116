// useChat: one conversation's messages, sending, and resolving pending answers, on TanStack
// Query's own tools. The conversation's cached data is the one place messages live: a send is a
// mutation whose onMutate adds the user's message and the pending answer (removed again if the
// send fails); how a task ended — told by the socket, a poll, the send answer or a Stop — is
// written into that cache by one function, finishTask. Polling (socket down) is useTaskPolling.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '../lib/api';
import type { ConversationDetail, SendMessageResponse, Task, UpdateEvent } from '../lib/api';
import { conversationKeys } from '../lib/query-keys';
import type { UseWebSocketResult } from './use-websocket';
import { useTaskPolling } from '../features/chat/hooks/use-task-polling';
import { useTaskStream } from '../features/chat/hooks/use-task-stream';
import { useSendMessage, type SendOptions } from '../features/chat/hooks/use-send-message';
import { stopOnServer, useConversationDetail } from '../features/chat/hooks/use-conversation-detail';
import * as rules from '../features/chat/hooks/chat-messages';
import type { ChatMessage, TaskOutcome } from '../features/chat/hooks/chat-messages';

export type { ChatMessage, TaskOutcome } from '../features/chat/hooks/chat-messages';
export type { SendOptions } from '../features/chat/hooks/use-send-message';
export { applyProgress, type StreamState } from '../features/chat/hooks/use-task-stream';

export interface UseChatOptions {
  /** Poll interval for the HTTP fallback, ms. */
  pollIntervalMs?: number;
  /** Partial answers re-render at most once per this many ms (default 100: ≤ 10 renders/s). */
  progressRenderMs?: number;
}

export interface UseChatResult {
  messages: ChatMessage[];
  conversation: ConversationDetail | undefined;
  isLoading: boolean;
  error: ApiError | null;
  sendMessage: (content: string, options?: SendOptions) => Promise<SendMessageResponse | null>;
  /** The last send's failure (its messages were taken back out), or null. */
  sendError: string | null;
  /** Stops a pending answer; when it had already ended (409), its real outcome is shown instead. */
  stopTask: (taskId: string) => Promise<void>;
  /** Text for the page's aria-live region: the latest answer that arrived. */
  announcement: string;
  /** Waits for an accepted answer (regenerate, edit) as for a send: socket, polling, announcement. */
  trackAnswer: (response: SendMessageResponse) => void;
}

export function useChat(
  websocket?: UseWebSocketResult,
  conversationId?: string | null,
  options: UseChatOptions = {},
): UseChatResult {
  const queryClient = useQueryClient();
  const [pollOnly, setPollOnly] = useState<string[]>([]);
  const [announcement, setAnnouncement] = useState('');
  /** Tasks whose end we know: written once; also overlays a refetch the socket is ahead of. */
  const outcomes = useRef(new Map<string, TaskOutcome>());
  /** task_id → the id of the answer this page sent and waits for (the spec's placeholder map). */
  const taskPlaceholderMap = useRef(new Map<string, string>());
  const {
    partials,
    end: endStream,
    textOf,
  } = useTaskStream(websocket?.subscribeProgress, options.progressRenderMs ?? 100);
  const latest = useRef({ websocket, conversationId });
  useEffect(() => {
    latest.current = { websocket, conversationId };
  });

  const query = useConversationDetail(conversationId, outcomes);
  const invalidate = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: conversationKeys.all }),
    [queryClient],
  );

  /** The one place a task's end is recorded. Returns false (and changes nothing) when known. */
  const finishTask = useCallback(
    (taskId: string, outcome: TaskOutcome): boolean => {
      if (outcomes.current.has(taskId)) return false;
      outcomes.current.set(taskId, outcome);
      endStream(taskId);
      const waitedFor = taskPlaceholderMap.current.delete(taskId);
      let ours = waitedFor || outcome.conversationId === latest.current.conversationId;
      queryClient.setQueriesData<ConversationDetail>({ queryKey: conversationKeys.details() }, (detail) => {
        const next = detail && rules.withTaskOutcome(detail, taskId, outcome);
        if (next !== detail && detail?.id === latest.current.conversationId) ours = true;
        return next;
      });
      latest.current.websocket?.removePendingTask(taskId);
      setPollOnly((prev) => (prev.includes(taskId) ? prev.filter((id) => id !== taskId) : prev));
      if (ours) setAnnouncement(rules.announcementFor(outcome));
      return true;
    },
    [queryClient, endStream],
  );

  // Socket events: an ended task is finished; another tab's new task is fetched to be shown.
  const subscribeUpdates = websocket?.subscribeUpdates;
  useEffect(
    () =>
      subscribeUpdates?.(({ data }: UpdateEvent) => {
        if (!data) return;
        const outcome = rules.outcomeFromEvent(data);
        if (outcome) {
          if (finishTask(data.task_id, outcome)) invalidate();
          // A stop on another node: its runner sends the kept text in a second event (E13).
          else if (outcome.cancelled && outcome.content !== '') invalidate();
        } else if (rules.isStart(data) && !outcomes.current.has(data.task_id)) invalidate();
      }),
    [subscribeUpdates, finishTask, invalidate],
  );

  // A streaming task that no cached conversation shows (its conversation was read before the
  // send committed, e.g. the first message of a new one): fetch again, once per task, so that
  // its answer and its preview appear instead of an empty page until the final event.
  const subscribeProgress = websocket?.subscribeProgress;
  const refetchedFor = useRef(new Set<string>());
  useEffect(
    () =>
      subscribeProgress?.(({ task_id: taskId }) => {
        if (outcomes.current.has(taskId) || refetchedFor.current.has(taskId)) return;
        const shown = queryClient
          .getQueriesData<ConversationDetail>({ queryKey: conversationKeys.details() })
          .some(([, detail]) => detail?.messages.some((m) => m.task_id === taskId));
        if (shown) return;
        refetchedFor.current.add(taskId);
        invalidate();
      }),
    [subscribeProgress, queryClient, invalidate],
  );

  // Server data is the truth: pending answers it shows (e.g. after a reload) are waited for;
  // ended ones we were waiting for are finished.
  const serverMessages = query.data?.messages;
  const detailId = query.data?.id ?? null;
  useEffect(() => {
    for (const m of serverMessages ?? []) {
      if (m.role !== 'assistant' || !m.task_id || outcomes.current.has(m.task_id)) continue;
      const ws = latest.current.websocket;
      if (rules.isPending(m.status)) {
        if (ws) ws.registerPendingTask(m.task_id);
        else setPollOnly((prev) => rules.withId(prev, m.task_id as string));
      } else if (ws?.pendingTaskIds.includes(m.task_id) || taskPlaceholderMap.current.has(m.task_id)) {
        finishTask(m.task_id, rules.outcomeFromMessage(m, detailId));
      }
    }
  }, [serverMessages, detailId, finishTask]);

  /**
   * A stop's answer or a poll tells of a cancel without the text the answer kept (a task has no
   * result): until the refetch brings the stored text, show the text this page had (E13).
   */
  const withShownText = useCallback(
    (taskId: string, outcome: TaskOutcome): TaskOutcome => {
      if (!outcome.cancelled || outcome.content !== '') return outcome;
      const cached = queryClient
        .getQueriesData<ConversationDetail>({ queryKey: conversationKeys.details() })
        .flatMap(([, detail]) => detail?.messages ?? [])
        .find((m) => m.role === 'assistant' && m.task_id === taskId && rules.isPending(m.status));
      return { ...outcome, content: rules.pendingText(textOf(taskId), cached?.content ?? '') ?? '' };
    },
    [queryClient, textOf],
  );

  // Polling: tasks sent while the socket was down always; registered tasks while it is down.
  const socketUp = websocket?.isConnected ?? false;
  const registered = websocket?.pendingTaskIds;
  const watched = useMemo(() => [...new Set([...pollOnly, ...(registered ?? [])])].sort(), [pollOnly, registered]);
  useTaskPolling(watched, {
    isPolled: (id) => !outcomes.current.has(id) && (!socketUp || pollOnly.includes(id)),
    intervalMs: options.pollIntervalMs ?? 1000,
    onEnded: (task: Task) =>
      finishTask(task.task_id, withShownText(task.task_id, rules.outcomeFromTask(task))) && invalidate(),
    onGone: (taskId, message) => finishTask(taskId, rules.failed(message, null, null)) && invalidate(),
  });

  /** Waits for an answer the server accepted (a send, a regenerate or an edit) the way a send does. */
  const trackAnswer = useCallback(
    (response: SendMessageResponse) => {
      const taskId = response.task_id;
      if (outcomes.current.has(taskId)) return;
      taskPlaceholderMap.current.set(taskId, response.message_id);
      const direct = rules.outcomeFromSend(response);
      if (direct) finishTask(taskId, direct);
      else if (latest.current.websocket?.isConnected)
        latest.current.websocket.registerPendingTask(taskId); // the socket will tell us
      else setPollOnly((prev) => rules.withId(prev, taskId));
    },
    [finishTask],
  );

  const { sendMessage, sendError } = useSendMessage(latest, (response, setAnswer) => {
    const known = outcomes.current.get(response.task_id);
    if (known) return setAnswer((m) => rules.withOutcome(m, known)); // the event beat the answer to the POST
    trackAnswer(response);
  });

  const stopTask = useCallback(
    async (taskId: string): Promise<void> => {
      if (outcomes.current.has(taskId)) return;
      const task = await stopOnServer(taskId);
      if (task && finishTask(taskId, withShownText(taskId, rules.outcomeFromTask(task)))) invalidate();
    },
    [finishTask, invalidate, withShownText],
  );

  const messages = useMemo(
    () => (query.data?.messages ?? []).map((m) => rules.toChatMessage(m, m.task_id ? partials[m.task_id] : undefined)),
    [query.data, partials],
  );
  const { data: conversation, isLoading, error } = query;
  return { messages, conversation, isLoading, error, sendMessage, sendError, stopTask, announcement, trackAnswer };
}
