// useTaskStream: live partial answers. `progress` frames rebuild each task's text at once (in a
// ref); the page re-renders from it at most once per `renderMs` (the first frame of a quiet
// period renders immediately), so a fast stream costs ≤ 10 renders/s at the default 100 ms.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProgressData } from '../../../lib/lanechat-socket';
import { ProgressStreams } from './progress-streams';

export { applyProgress, type StreamState } from './progress-streams';

type ProgressListener = (progress: ProgressData) => void;

export interface TaskStream {
  /** task_id → partial text to show (only streams that are not broken and have text). */
  partials: Record<string, string>;
  /** The task ended: drop its stream and ignore its later frames. */
  end: (taskId: string) => void;
  /** The task's streamed text right now (not waiting for a render), or undefined when none or broken. */
  textOf: (taskId: string) => string | undefined;
}

export function useTaskStream(
  subscribe: ((listener: ProgressListener) => () => void) | undefined,
  renderMs: number,
): TaskStream {
  const [partials, setPartials] = useState<Record<string, string>>({});
  const streams = useRef(new ProgressStreams());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlushAt = useRef(0);

  const flush = useCallback(() => {
    timer.current = null;
    lastFlushAt.current = Date.now();
    const next = streams.current.partials();
    setPartials((prev) => {
      const keys = Object.keys(next);
      if (keys.length === Object.keys(prev).length && keys.every((k) => prev[k] === next[k])) return prev;
      return next;
    });
  }, []);

  useEffect(() => {
    if (!subscribe) return undefined;
    const off = subscribe((p: ProgressData) => {
      if (streams.current.apply(p.task_id, p.delta, p.offset) === 'ignore') return;
      if (timer.current !== null) return;
      const wait = lastFlushAt.current + renderMs - Date.now();
      if (wait <= 0) flush();
      else timer.current = setTimeout(flush, wait);
    });
    return () => {
      off();
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [subscribe, renderMs, flush]);

  const end = useCallback((taskId: string) => {
    streams.current.end(taskId);
    setPartials((prev) => {
      if (!(taskId in prev)) return prev;
      const next = { ...prev };
      delete next[taskId];
      return next;
    });
  }, []);

  const textOf = useCallback((taskId: string) => {
    const state = streams.current.state(taskId);
    return state && !state.broken ? state.text : undefined;
  }, []);

  return { partials, end, textOf };
}
