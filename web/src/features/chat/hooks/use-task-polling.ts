// useTaskPolling: the HTTP fallback for answers the socket cannot bring. Each watched task is a
// TanStack query on GET /api/tasks/{id} with a refetchInterval, enabled only while it must be
// polled (the socket is down, or the task was sent while it was); it stops once the task ended.
import { useEffect } from 'react';
import { useQueries } from '@tanstack/react-query';
import { ApiError, getTask, type Task } from '../../../lib/api';
import { taskKeys } from '../../../lib/query-keys';

function ended(task: Task | null | undefined): task is Task {
  return task?.status === 'completed' || task?.status === 'failed';
}

/** Worth asking again: the network, the server's own trouble, or a rate limit. */
function transient(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'network' || error.status >= 500 || error.status === 429);
}

export interface TaskPollingOptions {
  /** The tasks to poll now; the others are watched but not polled. */
  isPolled: (taskId: string) => boolean;
  intervalMs: number;
  /** A poll found the task ended. */
  onEnded: (task: Task) => void;
  /** The task cannot be fetched (e.g. its conversation was deleted): stop waiting for it. */
  onGone: (taskId: string, message: string) => void;
}

export function useTaskPolling(taskIds: string[], { isPolled, intervalMs, onEnded, onGone }: TaskPollingOptions): void {
  const results = useQueries({
    queries: taskIds.map((id) => ({
      queryKey: taskKeys.detail(id),
      queryFn: ({ signal }: { signal: AbortSignal }) => getTask(id, signal),
      // Nothing fetched yet: the first poll comes one interval after polling starts, as the
      // spec's pollForResult does.
      initialData: null as Task | null,
      staleTime: Infinity,
      retry: false,
      enabled: isPolled(id),
      refetchInterval: (query: { state: { data: Task | null | undefined } }) =>
        ended(query.state.data) ? false : intervalMs,
      refetchIntervalInBackground: true,
    })),
  });

  const outcomeKey = results
    .map((r, i) => `${taskIds[i]}:${r.data?.status ?? ''}:${r.error && !transient(r.error) ? 'x' : ''}`)
    .join('\n');
  useEffect(() => {
    results.forEach((r, i) => {
      const id = taskIds[i];
      if (id === undefined) return;
      if (ended(r.data)) onEnded(r.data);
      else if (r.error && !transient(r.error)) {
        onGone(id, r.error instanceof ApiError ? r.error.message : 'The answer could not be fetched.');
      }
    });
    // Runs when a task's status or failure changes (outcomeKey), not on every poll.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outcomeKey]);
}
