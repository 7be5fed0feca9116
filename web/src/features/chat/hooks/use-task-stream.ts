// useTaskStream: live partial answers. `progress` frames rebuild each task's text at once (in a
// ref); the page re-renders from it at most once per `renderMs` (the first frame of a quiet
// period renders immediately), so a fast stream costs ≤ 10 renders/s at the default 100 ms.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ProgressData } from '../../../lib/lanechat-socket';

type ProgressListener = (progress: ProgressData) => void;

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

export interface TaskStream {
  /** task_id → partial text to show (only streams that are not broken and have text). */
  partials: Record<string, string>;
  /** The task ended: drop its stream and ignore its later frames. */
  end: (taskId: string) => void;
}

export function useTaskStream(
  subscribe: ((listener: ProgressListener) => () => void) | undefined,
  renderMs: number,
): TaskStream {
  const [partials, setPartials] = useState<Record<string, string>>({});
  const streams = useRef(new Map<string, StreamState>());
  const ended = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlushAt = useRef(0);

  const flush = useCallback(() => {
    timer.current = null;
    lastFlushAt.current = Date.now();
    const next: Record<string, string> = {};
    for (const [taskId, stream] of streams.current)
      if (!stream.broken && stream.text.length > 0) next[taskId] = stream.text;
    setPartials((prev) => {
      const keys = Object.keys(next);
      if (keys.length === Object.keys(prev).length && keys.every((k) => prev[k] === next[k])) return prev;
      return next;
    });
  }, []);

  useEffect(() => {
    if (!subscribe) return undefined;
    const off = subscribe((p: ProgressData) => {
      if (ended.current.has(p.task_id)) return; // already ended: the final answer is the truth
      streams.current.set(p.task_id, applyProgress(streams.current.get(p.task_id), p.delta, p.offset));
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
    ended.current.add(taskId);
    streams.current.delete(taskId);
    setPartials((prev) => {
      if (!(taskId in prev)) return prev;
      const next = { ...prev };
      delete next[taskId];
      return next;
    });
  }, []);

  return { partials, end };
}
