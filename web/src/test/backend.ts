// Test helper: the fake backend most component and hook tests run against — fake timers, the
// mock WebSocket, a FakeServer served through MSW, and a fresh QueryClient — and its teardown.
import type { QueryClient } from '@tanstack/react-query';
import { vi } from 'vitest';
import { MockWebSocket } from './mock-websocket';
import { FakeServer } from './fake-server';
import { mswServer } from './msw';
import { newQueryClient } from './render';

export interface FakeBackend {
  server: FakeServer;
  client: QueryClient;
}

/** Call in beforeEach. */
export function startFakeBackend(): FakeBackend {
  vi.useFakeTimers();
  MockWebSocket.reset();
  vi.stubGlobal('WebSocket', MockWebSocket);
  const server = new FakeServer();
  mswServer.use(...server.handlers);
  return { server, client: newQueryClient() };
}

/** Call in afterEach. */
export function stopFakeBackend(client: QueryClient): void {
  client.clear();
  vi.useRealTimers();
  vi.unstubAllGlobals();
}
