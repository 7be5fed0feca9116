// Tests for useChat on the query cache: a send is optimistic and rolled back when it fails, and
// a socket outcome is written into the conversation's cached data (what every view reads).
import { act, renderHook } from '@testing-library/react';
import { http } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import type { ConversationDetail } from '../lib/api';
import { conversationKeys } from '../lib/query-keys';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { mswServer } from '../test/msw';
import { tick, wrapperFor } from '../test/render';
import { useWebSocket } from './use-websocket';
import { useChat } from './use-chat';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

function renderChat(conversationId: string) {
  return renderHook(
    () => {
      const websocket = useWebSocket({ url: 'ws://x/ws', random: () => 0 });
      return { websocket, chat: useChat(websocket, conversationId) };
    },
    { wrapper: wrapperFor(client) },
  );
}

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

describe('useChat and the query cache', () => {
  it('shows the message and the pending answer before the send is answered', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let sent: Promise<unknown> = Promise.resolve();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Hold the POST until the test has looked at the page (then on to the fake API's handlers).
    mswServer.use(
      http.post('*', async () => {
        await gate;
        return undefined;
      }),
    );
    act(() => {
      sent = result.current.chat.sendMessage('optimistic hello');
    });
    await tick();
    const shown = result.current.chat.messages.slice(-2);
    expect(shown.map((m) => [m.role, m.status, m.local])).toEqual([
      ['user', 'completed', true],
      ['assistant', 'queued', true],
    ]);
    expect(shown[0]!.content).toBe('optimistic hello');
    release();
    await act(async () => {
      await sent;
    });
    await tick();
    expect(result.current.chat.messages.filter((m) => m.content === 'optimistic hello')).toHaveLength(1);
    expect(result.current.chat.messages.every((m) => !m.local)).toBe(true);
  });

  it('takes the optimistic messages back out when the send fails, and says why', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    await tick();
    const before = result.current.chat.messages.length;
    server.down = true;
    let response: unknown = 'unset';
    await act(async () => {
      response = await result.current.chat.sendMessage('lost words');
    });
    await tick();
    expect(response).toBeNull();
    expect(result.current.chat.messages).toHaveLength(before);
    expect(result.current.chat.sendError).not.toBeNull();
  });

  it("writes a socket outcome into the conversation's cached data", async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    await tick();
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.completed',
          task_id: taskId,
          conversation_id: conv.id,
          lane: 'demo',
          result: { content: 'cached', model: 'm', cost_usd: 0, files: [] },
        },
      }),
    );
    const cached = client.getQueryData<ConversationDetail>(conversationKeys.detail(conv.id))!;
    const answer = cached.messages.find((m) => m.task_id === taskId && m.role === 'assistant')!;
    expect(answer).toMatchObject({ status: 'completed', content: 'cached' });
  });
});
