// Tests for useWebSocket: subscribe frame, backoff schedule and jitter, ready/since/reset,
// watchdog, visibility/online reconnect, retry_after_ms, the pending registry and cleanup.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MockWebSocket } from '../test/mock-websocket';
import { backoffDelay, useWebSocket, type UseWebSocketOptions } from './use-websocket';

const URL = 'ws://test.local/ws';

function setup(options: UseWebSocketOptions = {}) {
  return renderHook(() => useWebSocket({ url: URL, random: () => 0, ...options }));
}

/** Advances fake time and reports whether a new socket was created at exactly that point. */
async function advance(ms: number) {
  await act(async () => {
    await vi.advanceTimersByTimeAsync(ms);
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  MockWebSocket.reset();
  vi.stubGlobal('WebSocket', MockWebSocket);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('useWebSocket', () => {
  it('connects to the URL on mount and sends {token:"stream"} on open', () => {
    const { result } = setup();
    expect(MockWebSocket.instances).toHaveLength(1);
    const ws = MockWebSocket.latest();
    expect(ws.url).toBe(URL);
    expect(ws.sent).toEqual([]);
    act(() => ws.serverOpen());
    expect(ws.sentJson()).toEqual([{ token: 'stream' }]);
    // Not connected until the server has answered with ready.
    expect(result.current.isConnected).toBe(false);
    act(() => ws.serverSend({ event: 'ready', data: { last_id: 0 } }));
    expect(result.current.isConnected).toBe(true);
  });

  it('reconnects after 1, 2, 4, 8, 16, 30, 30 s and back to 1 s after an open', async () => {
    setup();
    const schedule = [1000, 2000, 4000, 8000, 16000, 30000, 30000];
    for (const wait of schedule) {
      const before = MockWebSocket.instances.length;
      act(() => MockWebSocket.latest().serverClose());
      await advance(wait - 1);
      expect(MockWebSocket.instances.length).toBe(before);
      await advance(1);
      expect(MockWebSocket.instances.length).toBe(before + 1);
    }
    // A successful open resets the backoff.
    act(() => MockWebSocket.latest().serverOpen());
    const before = MockWebSocket.instances.length;
    act(() => MockWebSocket.latest().serverClose());
    await advance(999);
    expect(MockWebSocket.instances.length).toBe(before);
    await advance(1);
    expect(MockWebSocket.instances.length).toBe(before + 1);
    // ... and the next failure waits 2 s again.
    act(() => MockWebSocket.latest().serverClose());
    await advance(1999);
    expect(MockWebSocket.instances.length).toBe(before + 1);
    await advance(1);
    expect(MockWebSocket.instances.length).toBe(before + 2);
  });

  it('adds at most 20 % jitter from the injected random source', async () => {
    expect(backoffDelay(0, () => 0)).toBe(1000);
    expect(backoffDelay(0, () => 0.5)).toBe(1100);
    expect(backoffDelay(0, () => 0.999999)).toBe(1199);
    expect(backoffDelay(5, () => 0.999999)).toBe(35999);
    expect(backoffDelay(12, () => 0)).toBe(30000);
    setup({ random: () => 0.5 });
    act(() => MockWebSocket.latest().serverClose());
    await advance(1099);
    expect(MockWebSocket.instances).toHaveLength(1);
    await advance(1);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('tracks the highest event id and resumes with since', () => {
    const { result } = setup();
    const ws = MockWebSocket.latest();
    act(() => ws.serverReady(3));
    expect(result.current.lastEventId).toBe(3);
    act(() => ws.serverSend({ event: 'update', id: 4, data: { type: 'task.running', task_id: 't', result: null } }));
    act(() =>
      ws.serverSend({
        event: 'update',
        id: 5,
        data: { type: 'task.completed', task_id: 't', result: { content: 'x', model: 'm', cost_usd: 0, files: [] } },
      }),
    );
    expect(result.current.lastEventId).toBe(5);
    expect(result.current.lastEvent?.id).toBe(5);
    expect(result.current.lastEvent?.data.type).toBe('task.completed');
    act(() => ws.serverClose());
    expect(result.current.isConnected).toBe(false);
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    const next = MockWebSocket.latest();
    expect(next).not.toBe(ws);
    act(() => next.serverOpen());
    expect(next.sentJson()).toEqual([{ token: 'stream', since: 5 }]);
  });

  it('gives every update frame of a replay to the consumer, in order', () => {
    const seen: number[] = [];
    const { result } = renderHook(() => {
      const ws = useWebSocket({ url: URL, random: () => 0 });
      return ws;
    });
    // Record the lastEvent rendered after each frame; a browser delivers each socket message as
    // its own task, so each frame is its own act() here.
    const ws = MockWebSocket.latest();
    act(() => ws.serverOpen());
    for (let id = 1; id <= 3; id += 1) {
      act(() => ws.serverSend({ event: 'update', id, data: { type: 'task.queued', task_id: 't' + id, result: null } }));
      seen.push(result.current.lastEvent?.id ?? -1);
    }
    expect(seen).toEqual([1, 2, 3]);
  });

  it("on reset calls onReset and takes the server's last_id as the new since", () => {
    const onReset = vi.fn();
    const { result } = setup({ onReset });
    const ws = MockWebSocket.latest();
    act(() => ws.serverReady(50));
    expect(result.current.lastEventId).toBe(50);
    act(() => ws.serverClose());
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    const next = MockWebSocket.latest();
    act(() => next.serverOpen());
    expect(next.sentJson()).toEqual([{ token: 'stream', since: 50 }]);
    act(() => next.serverSend({ event: 'reset', data: {} }));
    expect(onReset).toHaveBeenCalledTimes(1);
    act(() => next.serverSend({ event: 'ready', data: { last_id: 2 } }));
    expect(result.current.lastEventId).toBe(2);
    expect(result.current.isConnected).toBe(true);
  });

  it('treats 60 s without any frame as a dead socket and reconnects', async () => {
    const { result } = setup();
    const ws = MockWebSocket.latest();
    act(() => ws.serverReady(0));
    await advance(25000);
    act(() => ws.serverSend({ event: 'ping', data: {} }));
    await advance(59999);
    expect(ws.readyState).toBe(MockWebSocket.OPEN);
    expect(MockWebSocket.instances).toHaveLength(1);
    await advance(1);
    expect(ws.closedByClient).toBe(true);
    expect(result.current.isConnected).toBe(false);
    await advance(1000);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('reconnects at once when the page becomes visible or the browser is back online', async () => {
    setup();
    // Fail a few times so the pending wait is long.
    for (const wait of [1000, 2000, 4000, 8000]) {
      act(() => MockWebSocket.latest().serverClose());
      await advance(wait);
    }
    act(() => MockWebSocket.latest().serverClose()); // now waiting 16 s
    const before = MockWebSocket.instances.length;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(MockWebSocket.instances.length).toBe(before + 1);
    // The backoff starts again at its first step.
    act(() => MockWebSocket.latest().serverClose());
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(MockWebSocket.instances.length).toBe(before + 2);
    act(() => MockWebSocket.latest().serverClose());
    await advance(1000);
    expect(MockWebSocket.instances.length).toBe(before + 3);
    // Only one socket at a time: online while connecting does nothing.
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    expect(MockWebSocket.instances.length).toBe(before + 3);
  });

  it('waits at least retry_after_ms from an error frame', async () => {
    setup();
    const ws = MockWebSocket.latest();
    act(() => ws.serverOpen());
    act(() =>
      ws.serverSend({ event: 'error', data: { code: 'over_capacity', message: 'busy', retry_after_ms: 5000 } }),
    );
    act(() => ws.serverClose(1013));
    await advance(4999);
    expect(MockWebSocket.instances).toHaveLength(1);
    await advance(1);
    expect(MockWebSocket.instances).toHaveLength(2);
  });

  it('keeps a registry of pending tasks without duplicates', () => {
    const { result } = setup();
    act(() => result.current.registerPendingTask('a'));
    act(() => result.current.registerPendingTask('b'));
    act(() => result.current.registerPendingTask('a'));
    expect(result.current.pendingTaskIds).toEqual(['a', 'b']);
    act(() => result.current.removePendingTask('a'));
    expect(result.current.pendingTaskIds).toEqual(['b']);
    act(() => result.current.removePendingTask('zzz'));
    expect(result.current.pendingTaskIds).toEqual(['b']);
  });

  it('ignores unknown and malformed frames', () => {
    const { result } = setup();
    const ws = MockWebSocket.latest();
    act(() => ws.serverReady(1));
    act(() => ws.onmessage?.({ data: 'not json' } as MessageEvent));
    act(() => ws.serverSend({ event: 'something-new', data: {} }));
    act(() => ws.serverSend({ event: 'progress', data: { task_id: 't', message_id: 'm', delta: 'x', offset: 0 } }));
    expect(result.current.lastEvent).toBeNull();
    expect(result.current.isConnected).toBe(true);
  });

  it('leaves no socket or timer behind after unmount', async () => {
    const { unmount } = setup();
    act(() => MockWebSocket.latest().serverClose()); // a reconnect timer is pending
    await advance(1000);
    act(() => MockWebSocket.latest().serverReady(0)); // watchdog armed
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    unmount();
    expect(MockWebSocket.openCount()).toBe(0);
    expect(MockWebSocket.latest().closedByClient).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    await advance(120000);
    expect(MockWebSocket.instances).toHaveLength(2);
    window.dispatchEvent(new Event('online'));
    expect(MockWebSocket.instances).toHaveLength(2);
  });
  it('hands progress frames to subscribers without touching lastEvent; unsubscribe stops them', () => {
    const { result } = renderHook(() => useWebSocket({ url: 'ws://x/ws', random: () => 0 }));
    const seen: unknown[] = [];
    const unsubscribe = result.current.subscribeProgress((p) => seen.push(p));
    act(() => MockWebSocket.latest().serverReady(3));
    const frame = { event: 'progress', data: { task_id: 't', message_id: 'm', delta: 'hi', offset: 0 } };
    act(() => MockWebSocket.latest().serverSend(frame));
    expect(seen).toEqual([frame.data]);
    expect(result.current.lastEvent).toBeNull();
    expect(result.current.lastEventId).toBe(3);
    unsubscribe();
    act(() => MockWebSocket.latest().serverSend(frame));
    expect(seen).toHaveLength(1);
  });
});
