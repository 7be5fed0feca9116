// Tests for WebSocketProvider: one shared socket for all consumers, and a `reset` (or a fresh
// `ready`) refetches the cached conversation queries.
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { newQueryClient } from '../test/render';
import { WebSocketProvider, useWebSocketContext } from './WebSocketContext';

let client: QueryClient;

function Consumer({ name }: { name: string }) {
  const ws = useWebSocketContext();
  return <p>{`${name}: ${ws.isConnected ? 'up' : 'down'}`}</p>;
}

function renderProvider() {
  return render(
    <QueryClientProvider client={client}>
      <WebSocketProvider options={{ url: 'ws://t/ws', random: () => 0 }}>
        <Consumer name="header" />
        <Consumer name="chat" />
      </WebSocketProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  vi.useFakeTimers();
  MockWebSocket.reset();
  vi.stubGlobal('WebSocket', MockWebSocket);
  client = newQueryClient();
});

afterEach(() => {
  client.clear();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('WebSocketProvider', () => {
  it('gives every consumer the same single socket', () => {
    renderProvider();
    expect(MockWebSocket.instances).toHaveLength(1);
    act(() => MockWebSocket.latest().serverReady(0));
    expect(screen.getByText('header: up')).toBeInTheDocument();
    expect(screen.getByText('chat: up')).toBeInTheDocument();
  });

  it('invalidates the conversation queries on reset', () => {
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    renderProvider();
    const ws = MockWebSocket.latest();
    act(() => ws.serverOpen());
    expect(invalidate).not.toHaveBeenCalled();
    act(() => ws.serverSend({ event: 'reset', data: {} }));
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['conversations'] });
  });

  it('throws a clear error when used outside the provider', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => render(<Consumer name="x" />)).toThrow(/inside <WebSocketProvider>/);
  });

  it('closes the socket when unmounted', () => {
    const { unmount } = renderProvider();
    act(() => MockWebSocket.latest().serverReady(0));
    unmount();
    expect(MockWebSocket.openCount()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
