// @vitest-environment node
// Tests for LanechatSocket with no React and no global fakes: a manual scheduler, a scripted
// random source, an injected WebSocket constructor and wake signal.
import { beforeEach, describe, expect, it } from 'vitest';
import { MockWebSocket } from '../test/mock-websocket';
import { ManualScheduler } from '../test/manual-scheduler';
import { LanechatSocket, PendingTaskRegistry, type LanechatSocketOptions } from './lanechat-socket';

let scheduler: ManualScheduler;
let wake: (() => void) | null;

function newSocket(options: Partial<LanechatSocketOptions> = {}) {
  const socket = new LanechatSocket({
    url: 'ws://unit/ws',
    random: () => 0,
    scheduler,
    WebSocket: MockWebSocket,
    wakeSignals: (w) => {
      wake = w;
      return () => {
        wake = null;
      };
    },
    ...options,
  });
  socket.start();
  return socket;
}

beforeEach(() => {
  scheduler = new ManualScheduler();
  wake = null;
  MockWebSocket.reset();
});

describe('LanechatSocket', () => {
  it('subscribes on open, is connected on ready, resumes with since', () => {
    const socket = newSocket();
    const statuses: boolean[] = [];
    socket.onStatus(() => statuses.push(socket.isConnected));
    const ws = MockWebSocket.latest();
    expect(ws.url).toBe('ws://unit/ws');
    ws.serverOpen();
    expect(ws.sentJson()).toEqual([{ token: 'stream' }]);
    expect(socket.isConnected).toBe(false);
    ws.serverSend({ event: 'ready', data: { last_id: 7 } });
    expect(socket.isConnected).toBe(true);
    expect(socket.lastEventId).toBe(7);
    ws.serverClose();
    expect(statuses).toEqual([false, true, false]); // last_id 7 noted, then connected, then lost
    scheduler.advance(1000);
    MockWebSocket.latest().serverOpen();
    expect(MockWebSocket.latest().sentJson()).toEqual([{ token: 'stream', since: 7 }]);
  });

  it('waits 1, 2, 4, 8, 16, 30, 30 s, each plus the jitter the random source asks for', () => {
    const draws = [0, 0.5, 0.999999, 0.25, 0, 1, 0.1];
    let i = 0;
    newSocket({ random: () => draws[i++] });
    const waits: number[] = [];
    for (let n = 0; n < draws.length; n += 1) {
      MockWebSocket.latest().serverClose();
      // The reconnect timer is the only one pending once the socket is gone.
      waits.push(scheduler.delays()[0]);
      scheduler.advance(waits[n]);
    }
    expect(waits).toEqual([1000, 2200, 4799, 8400, 16000, 36000, 30600]);
    expect(MockWebSocket.instances).toHaveLength(draws.length + 1);
  });

  it('resets the backoff on open, not on a connect that fails', () => {
    newSocket();
    MockWebSocket.latest().serverClose();
    scheduler.advance(1000);
    MockWebSocket.latest().serverClose();
    expect(scheduler.delays()).toEqual([2000]);
    scheduler.advance(2000);
    MockWebSocket.latest().serverOpen();
    MockWebSocket.latest().serverClose();
    expect(scheduler.delays()).toEqual([1000]);
  });

  it('hands update and progress frames to their listeners, in order', () => {
    const socket = newSocket();
    const updates: number[] = [];
    const progress: string[] = [];
    socket.onUpdate((f) => updates.push(f.id ?? -1));
    const off = socket.onProgress((p) => progress.push(`${p.offset}:${p.delta}`));
    const ws = MockWebSocket.latest();
    ws.serverReady(0);
    for (let id = 1; id <= 3; id += 1)
      ws.serverSend({ event: 'update', id, data: { type: 'task.queued', task_id: 't', result: null } });
    ws.serverSend({ event: 'progress', data: { task_id: 't', message_id: 'm', delta: 'ab', offset: 0 } });
    ws.serverSend({ event: 'progress', data: { task_id: 't', message_id: 'm', delta: 'x', offset: 'bad' } });
    off();
    ws.serverSend({ event: 'progress', data: { task_id: 't', message_id: 'm', delta: 'c', offset: 2 } });
    expect(updates).toEqual([1, 2, 3]);
    expect(progress).toEqual(['0:ab']);
    expect(socket.lastEventId).toBe(3);
  });

  it('on reset takes the next ready last_id even when lower', () => {
    const socket = newSocket();
    let resets = 0;
    socket.onReset(() => (resets += 1));
    const ws = MockWebSocket.latest();
    ws.serverReady(50);
    ws.serverSend({ event: 'reset', data: {} });
    ws.serverSend({ event: 'ready', data: { last_id: 2 } });
    expect(resets).toBe(1);
    expect(socket.lastEventId).toBe(2);
  });

  it('declares a socket silent for 60 s dead', () => {
    const socket = newSocket();
    const ws = MockWebSocket.latest();
    ws.serverReady(0);
    scheduler.advance(25000);
    ws.serverSend({ event: 'ping', data: {} });
    scheduler.advance(59999);
    expect(ws.closedByClient).toBe(false);
    scheduler.advance(1);
    expect(ws.closedByClient).toBe(true);
    expect(socket.isConnected).toBe(false);
    expect(scheduler.delays()).toEqual([1000]);
  });

  it('on a wake signal reconnects at once, restarting the backoff; keeps a live socket', () => {
    newSocket();
    for (const wait of [1000, 2000, 4000]) {
      MockWebSocket.latest().serverClose();
      scheduler.advance(wait);
    }
    MockWebSocket.latest().serverClose();
    expect(scheduler.delays()).toEqual([8000]);
    const before = MockWebSocket.instances.length;
    wake!();
    expect(MockWebSocket.instances).toHaveLength(before + 1);
    wake!(); // connecting: kept
    expect(MockWebSocket.instances).toHaveLength(before + 1);
    MockWebSocket.latest().serverReady(0);
    wake!(); // open and not silent: kept
    expect(MockWebSocket.instances).toHaveLength(before + 1);
    MockWebSocket.latest().serverClose();
    expect(scheduler.delays()).toEqual([1000]);
  });

  it('honours retry_after_ms over the backoff and on a wake', () => {
    newSocket();
    const ws = MockWebSocket.latest();
    ws.serverOpen();
    ws.serverSend({ event: 'error', data: { code: 'over_capacity', message: 'busy', retry_after_ms: 5000 } });
    ws.serverClose(1013);
    expect(scheduler.delays()).toEqual([5000]);
    scheduler.advance(1000);
    wake!();
    expect(MockWebSocket.instances).toHaveLength(1);
    expect(scheduler.delays()).toEqual([4000]);
    scheduler.advance(4000);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('retries when the constructor throws', () => {
    let calls = 0;
    class Refusing extends MockWebSocket {
      constructor(url: string) {
        calls += 1;
        if (calls === 1) throw new Error('blocked');
        super(url);
      }
    }
    newSocket({ WebSocket: Refusing });
    expect(MockWebSocket.instances).toHaveLength(0);
    scheduler.advance(1000);
    expect(MockWebSocket.instances).toHaveLength(1);
  });

  it('stop leaves no socket, timer or wake subscription; start connects again', () => {
    const socket = newSocket();
    MockWebSocket.latest().serverReady(0);
    socket.stop();
    expect(MockWebSocket.openCount()).toBe(0);
    expect(scheduler.size).toBe(0);
    expect(wake).toBeNull();
    expect(socket.isConnected).toBe(false);
    scheduler.advance(120000);
    expect(MockWebSocket.instances).toHaveLength(1);
    socket.start();
    expect(MockWebSocket.instances).toHaveLength(2);
  });
});

describe('PendingTaskRegistry', () => {
  it('keeps ids once each, with a new snapshot only on a change', () => {
    const registry = new PendingTaskRegistry();
    let changes = 0;
    registry.subscribe(() => (changes += 1));
    registry.register('a');
    registry.register('b');
    const snap = registry.snapshot;
    registry.register('a');
    expect(registry.snapshot).toBe(snap);
    registry.remove('zzz');
    registry.remove('a');
    expect(registry.snapshot).toEqual(['b']);
    expect(changes).toBe(3);
  });
});
