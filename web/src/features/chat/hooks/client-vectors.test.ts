// @vitest-environment node
// docs/client-vectors.json's task outcomes and progress rules, shared with the Java client's
// tests: each frame goes through LanechatSocket as it would from the server, then through the
// chat's rules (outcomeFromEvent, ProgressStreams) as useChat and useTaskStream apply them.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TaskEventData } from '../../../lib/api';
import { LanechatSocket } from '../../../lib/lanechat-socket';
import { clientVectors as vectors } from '../../../test/client-vectors';
import { ManualScheduler } from '../../../test/manual-scheduler';
import { MockWebSocket } from '../../../test/mock-websocket';
import { outcomeFromEvent, type TaskOutcome } from './chat-messages';
import { ProgressStreams, type ProgressStep } from './progress-streams';

function connectedSocket() {
  const socket = new LanechatSocket({
    url: 'ws://unit/ws',
    random: () => 0,
    scheduler: new ManualScheduler(),
    WebSocket: MockWebSocket,
    wakeSignals: () => () => {},
  });
  socket.start();
  const ws = MockWebSocket.latest();
  ws.serverOpen();
  ws.serverSend({ event: 'ready', data: { last_id: 0 } });
  return { socket, ws };
}

/** The vector's expected outcome in the web's terms (content and files from the result). */
function expected(outcome: NonNullable<(typeof vectors.task_outcome)[number]['outcome']>) {
  return {
    status: outcome.status,
    content: outcome.content ?? outcome.result?.content ?? '',
    model: outcome.result?.model ?? null,
    costUsd: outcome.result?.cost_usd ?? null,
    files: outcome.result?.files ?? [],
    error: outcome.error,
    cancelled: outcome.cancelled,
  };
}

beforeEach(() => MockWebSocket.reset());

describe('docs/client-vectors.json', () => {
  it.each(vectors.task_outcome)('task outcome: $name', ({ frame, outcome }) => {
    const { socket, ws } = connectedSocket();
    const outcomes: (TaskOutcome | null)[] = [];
    socket.onUpdate(({ data }) => outcomes.push(data ? outcomeFromEvent(data as TaskEventData) : null));
    ws.serverSend(frame);
    const ended = outcomes.filter((o): o is TaskOutcome => o !== null);
    if (outcome === null) {
      expect(ended).toEqual([]);
    } else {
      expect(ended).toHaveLength(1);
      const { status, content, model, costUsd, files, error, cancelled } = ended[0];
      expect({ status, content, model, costUsd, files, error, cancelled }).toEqual(expected(outcome));
    }
    socket.stop();
  });

  it.each(vectors.progress)('progress: $name', ({ steps, final }) => {
    const { socket, ws } = connectedSocket();
    const streams = new ProgressStreams();
    const seen: ProgressStep[] = [];
    socket.onProgress((p) => seen.push(streams.apply(p.task_id, p.delta, p.offset)));
    const wanted: ProgressStep[] = [];
    for (const step of steps) {
      if ('outcome' in step) {
        streams.end(step.outcome);
      } else {
        ws.serverSend({ event: 'progress', data: step.progress });
        wanted.push(step.then);
      }
    }
    expect(seen).toEqual(wanted);
    for (const [taskId, state] of Object.entries(final)) expect(streams.state(taskId) ?? null).toEqual(state);
    socket.stop();
  });
});
