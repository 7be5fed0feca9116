// Tests for useConnectionStatus: full / partial / disconnected from the health check and socket.
import { renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { FakeServer } from '../test/fake-server';
import { mswServer } from '../test/msw';
import { newQueryClient, tick, wrapperFor } from '../test/render';
import { combineStatus, useConnectionStatus } from './use-connection-status';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  vi.useFakeTimers();
  server = new FakeServer();
  mswServer.use(...server.handlers);
  client = newQueryClient();
});

afterEach(() => {
  client.clear();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function render(wsConnected?: boolean) {
  return renderHook(({ ws }) => useConnectionStatus(ws, { intervalMs: 5000, failureIntervalMs: 2000 }), {
    wrapper: wrapperFor(client),
    initialProps: { ws: wsConnected },
  });
}

describe('useConnectionStatus', () => {
  it('combines the two states', () => {
    expect(combineStatus(true, true)).toBe('full');
    expect(combineStatus(true, false)).toBe('partial');
    expect(combineStatus(false, true)).toBe('partial');
    expect(combineStatus(false, false)).toBe('disconnected');
  });

  it('is full when the API answers and the socket is up', async () => {
    const { result } = render(true);
    await tick();
    expect(result.current).toEqual({ apiConnected: true, wsConnected: true, status: 'full' });
  });

  it('is partial when only the API is up, or only the socket', async () => {
    const { result, rerender } = render(false);
    await tick();
    expect(result.current).toEqual({ apiConnected: true, wsConnected: false, status: 'partial' });
    server.down = true;
    rerender({ ws: true });
    await tick(5000);
    expect(result.current).toEqual({ apiConnected: false, wsConnected: true, status: 'partial' });
  });

  it('is disconnected when neither is up, and recovers when the API answers again', async () => {
    server.down = true;
    const { result } = render(false);
    await tick();
    expect(result.current.status).toBe('disconnected');
    const before = server.count('GET', '/api/health');
    server.down = false;
    await tick(2000); // failures are re-checked sooner
    expect(server.count('GET', '/api/health')).toBe(before + 1);
    expect(result.current.status).toBe('partial');
  });

  it('treats a 503 degraded health answer as the API being down', async () => {
    server.healthy = false;
    const { result } = render(true);
    await tick();
    expect(result.current.apiConnected).toBe(false);
    expect(result.current.status).toBe('partial');
  });

  it('without a socket argument counts the socket as down', async () => {
    const { result } = render(undefined);
    await tick();
    expect(result.current.wsConnected).toBe(false);
    expect(result.current.status).toBe('partial');
  });
});
