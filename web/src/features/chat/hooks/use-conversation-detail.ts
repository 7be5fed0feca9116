// useConversationDetail: one conversation's cached data (GET /api/conversations/{id}), with the
// task ends this page already knows laid over it, so a refetch the socket is ahead of cannot
// bring a finished answer back to pending. Also the one API call Stop needs.
import { useCallback, type RefObject } from 'react';
import { useQuery } from '@tanstack/react-query';
import { ApiError, cancelTask, getConversation, getTask, type ConversationDetail, type Task } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { withTaskOutcome, type TaskOutcome } from './chat-messages';

export function useConversationDetail(
  conversationId: string | null | undefined,
  known: RefObject<Map<string, TaskOutcome>>,
) {
  const overlay = useCallback(
    (detail: ConversationDetail) => {
      let shown = detail;
      for (const [taskId, outcome] of known.current) shown = withTaskOutcome(shown, taskId, outcome);
      return shown;
    },
    [known],
  );
  const query = useQuery({
    queryKey: conversationKeys.detail(conversationId ?? ''),
    queryFn: ({ signal }) => getConversation(conversationId as string, signal),
    enabled: Boolean(conversationId),
    select: overlay,
  });
  const error =
    query.error instanceof ApiError
      ? query.error
      : query.error
        ? new ApiError('internal', String(query.error), 0)
        : null;
  return { data: query.data, isLoading: query.isLoading, error };
}

/**
 * Asks the server to stop a task; resolves with how it ended, or null when it is still running
 * (the socket or a poll will tell). A 409 means it ended first: its real end is fetched.
 */
export async function stopOnServer(taskId: string): Promise<Task | null> {
  try {
    return await cancelTask(taskId);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'conflict')) throw err;
    const task = await getTask(taskId).catch(() => null);
    return task?.status === 'completed' || task?.status === 'failed' ? task : null;
  }
}
