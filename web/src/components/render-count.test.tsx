// Render counts: the Header reads only the socket's status, so an `update` frame re-renders the
// conversation view (which reads lastEvent) and not the Header; a lost socket re-renders both.
import { act } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { tick } from '../test/render';
import { renderApp } from '../test/app';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

const renders = vi.hoisted(() => ({ header: 0, chat: 0 }));

// The real components, called from a counting function component (their hooks are its hooks).
vi.mock('./Header', async (importOriginal) => {
  const real = await importOriginal<typeof import('./Header')>();
  return {
    ...real,
    Header: (props: Parameters<typeof real.Header>[0]) => {
      renders.header += 1;
      return real.Header(props);
    },
  };
});
vi.mock('../pages/Chat', async (importOriginal) => {
  const real = await importOriginal<typeof import('../pages/Chat')>();
  return {
    ...real,
    Chat: () => {
      renders.chat += 1;
      return real.Chat();
    },
  };
});

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
  renders.header = 0;
  renders.chat = 0;
});

afterEach(() => stopFakeBackend(client));

describe('render counts', () => {
  it('an update frame re-renders the conversation view, not the header', async () => {
    const conv = server.addConversation('Counted');
    renderApp(client, `/c/${conv.id}`);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick(100);
    const before = { ...renders };
    expect(before.header).toBeGreaterThan(0);

    const frame = (id: number) => ({
      event: 'update',
      id,
      data: {
        type: 'task.completed',
        task_id: `elsewhere-${id}`,
        result: { content: 'x', model: 'm', cost_usd: 0, files: [] },
      },
    });
    act(() => MockWebSocket.latest().serverSend(frame(1)));
    act(() => MockWebSocket.latest().serverSend(frame(2)));
    await tick(100);
    expect(renders.chat).toBeGreaterThanOrEqual(before.chat + 2);
    expect(renders.header).toBe(before.header);

    // The counter does see the Header's own renders: losing the socket changes its status.
    act(() => MockWebSocket.latest().serverClose());
    await tick();
    expect(renders.header).toBeGreaterThan(before.header);
  });
});
