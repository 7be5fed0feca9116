// The progress rules of docs/protocol.md (checked against docs/client-vectors.json, shared with
// the Java client): which `progress` frame extends a task's live preview, which one breaks it,
// and which are ignored. Pure bookkeeping, no React; useTaskStream renders from it.

/**
 * One task's live stream, rebuilt from `progress` frames. `text` is what came so far; `broken`
 * once a frame did not start where the text ends (a missed frame, a reconnect mid-stream, or a
 * page that joined mid-stream): the preview is dropped until the final answer.
 */
export interface StreamState {
  text: string;
  broken: boolean;
}

/** What a frame did: extended (or restarted) the preview, broke it, or changed nothing. */
export type ProgressStep = 'deliver' | 'gap' | 'ignore';

/**
 * Applies one `progress` frame to a task's stream (pure). `offset` counts UTF-16 code units,
 * as JavaScript's string length does. A frame at offset 0 (re)starts the stream (a task that is
 * run again after a restart streams from the start); any other offset must equal the length so
 * far, or the stream is broken until the next offset 0.
 */
export function applyProgress(state: StreamState | undefined, delta: string, offset: number): StreamState {
  if (offset === 0) return { text: delta, broken: false };
  if (!state || state.broken || offset !== state.text.length) return { text: state?.text ?? '', broken: true };
  return { text: state.text + delta, broken: false };
}

/** Every task's stream; a task whose outcome is known takes no more frames. */
export class ProgressStreams {
  private readonly streams = new Map<string, StreamState>();
  /** Ended tasks, oldest first, bounded: a late frame of one of them is dropped. */
  private readonly ended = new Set<string>();

  constructor(private readonly maxEnded = 1024) {}

  apply(taskId: string, delta: string, offset: number): ProgressStep {
    if (this.ended.has(taskId)) return 'ignore'; // the final answer is the truth
    const before = this.streams.get(taskId);
    const after = applyProgress(before, delta, offset);
    this.streams.set(taskId, after);
    if (!after.broken) return 'deliver';
    return before?.broken ? 'ignore' : 'gap';
  }

  /** The task ended (push, replay or poll): drop its stream and ignore its later frames. */
  end(taskId: string): void {
    this.streams.delete(taskId);
    this.ended.delete(taskId);
    this.ended.add(taskId);
    if (this.ended.size > this.maxEnded) this.ended.delete(this.ended.values().next().value as string);
  }

  /** The task's stream, or undefined when none (never streamed, or ended). */
  state(taskId: string): StreamState | undefined {
    return this.streams.get(taskId);
  }

  /** task_id → partial text to show (only streams that are not broken and have text). */
  partials(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [taskId, s] of this.streams) if (!s.broken && s.text.length > 0) out[taskId] = s.text;
    return out;
  }
}
