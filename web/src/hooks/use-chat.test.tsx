// Tests for useChat with the real useWebSocket on a mock socket and a fake HTTP API: the pending
// registry, socket-vs-polling, events filling placeholders, failures, invalidation, dedupe.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { tick, wrapperFor } from '../test/render';
import { useWebSocket } from './use-websocket';
import { useChat } from './use-chat';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

function completedEvent(id: number, taskId: string, content: string) {
  return {
    event: 'update',
    id,
    data: {
      type: 'task.completed',
      task_id: taskId,
      conversation_id: 'c',
      message_id: 'm',
      lane: 'demo',
      result: {
        content,
        model: 'demo-model',
        cost_usd: 0.12,
        files: [{ id: 'f1', name: 'notes.txt', size: 5, content_type: 'text/plain', url: '/api/files/f1' }],
      },
    },
  };
}

function renderChat(conversationId: string | null, withSocket = true) {
  return renderHook(
    () => {
      const websocket = useWebSocket({ url: 'ws://x/ws', random: () => 0 });
      const chat = useChat(withSocket ? websocket : undefined, conversationId, { pollIntervalMs: 1000 });
      return { websocket, chat };
    },
    { wrapper: wrapperFor(client) },
  );
}

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

describe('useChat', () => {
  it('queued + socket connected: registers the task as pending and does not poll', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    expect(result.current.websocket.isConnected).toBe(true);

    let response: Awaited<ReturnType<typeof result.current.chat.sendMessage>> = null;
    await act(async () => {
      response = await result.current.chat.sendMessage('hello');
    });
    const taskId = response!.task_id;
    expect(result.current.websocket.pendingTaskIds).toEqual([taskId]);
    const last = result.current.chat.messages.at(-1)!;
    expect(last.role).toBe('assistant');
    expect(last.status).toBe('queued');
    await tick(10000);
    expect(server.count('GET', '/api/tasks/')).toBe(0);
  });

  it('queued + socket disconnected: polls GET /api/tasks/{id} until the answer is there', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    await tick();
    expect(result.current.websocket.isConnected).toBe(false);
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    await tick(1000);
    expect(server.count('GET', `/api/tasks/${taskId}`)).toBe(1);
    await tick(1000);
    expect(server.count('GET', `/api/tasks/${taskId}`)).toBe(2);
    server.finishTask(taskId, { content: 'polled **answer**', model: 'demo', cost_usd: 0.5 });
    await tick(1000);
    const answer = result.current.chat.messages.find((m) => m.taskId === taskId && m.role === 'assistant')!;
    expect(answer.status).toBe('completed');
    expect(answer.content).toBe('polled **answer**');
    const polls = server.count('GET', '/api/tasks/');
    await tick(5000);
    expect(server.count('GET', '/api/tasks/')).toBe(polls);
  });

  it('without a websocket at all it falls back to polling', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id, false);
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hi'))!.task_id;
    });
    server.finishTask(taskId, { content: 'ok', model: 'demo', cost_usd: 0 });
    await tick(1000);
    expect(result.current.chat.messages.at(-1)!.status).toBe('completed');
  });

  it('a completed event replaces the placeholder with content, lane, model, cost and files', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    // Keep the server copy pending so what we see comes from the event.
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    act(() => MockWebSocket.latest().serverSend(completedEvent(1, taskId, 'Hi **there**')));
    const answer = result.current.chat.messages.find((m) => m.role === 'assistant' && m.taskId === taskId)!;
    expect(answer).toMatchObject({
      status: 'completed',
      content: 'Hi **there**',
      lane: 'demo',
      model: 'demo-model',
      costUsd: 0.12,
    });
    expect(answer.files.map((f) => f.url)).toEqual(['/api/files/f1']);
    expect(result.current.websocket.pendingTaskIds).toEqual([]);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['conversations'] });
    expect(result.current.chat.announcement).toContain('Hi **there**');
  });

  it('a failed event marks the answer failed with its error', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'task.failed',
          task_id: taskId,
          conversation_id: conv.id,
          lane: 'demo',
          result: null,
          error: 'model exploded',
        },
      }),
    );
    const answer = result.current.chat.messages.find((m) => m.role === 'assistant' && m.taskId === taskId)!;
    expect(answer.status).toBe('failed');
    expect(answer.error).toBe('model exploded');
    expect(answer.cancelled).toBe(false);
    expect(result.current.websocket.pendingTaskIds).toEqual([]);
  });

  it('the same result twice changes nothing the second time', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    const invalidate = vi.spyOn(client, 'invalidateQueries');
    act(() => MockWebSocket.latest().serverSend(completedEvent(1, taskId, 'first')));
    const after = result.current.chat.messages;
    act(() => MockWebSocket.latest().serverSend(completedEvent(1, taskId, 'second copy')));
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(result.current.chat.messages).toBe(after);
    expect(result.current.chat.messages.at(-1)!.content).toBe('first');
  });

  it('polls a registered task while the socket is down and stops once it is back and ready', async () => {
    const conv = server.addConversation();
    const { result } = renderChat(conv.id);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    let taskId = '';
    await act(async () => {
      taskId = (await result.current.chat.sendMessage('hello'))!.task_id;
    });
    await tick(3000);
    expect(server.count('GET', '/api/tasks/')).toBe(0);
    act(() => MockWebSocket.latest().serverClose());
    await tick(1000); // first poll after 1 s; the reconnect attempt also happens now
    expect(server.count('GET', `/api/tasks/${taskId}`)).toBe(1);
    const ws = MockWebSocket.latest();
    act(() => ws.serverOpen());
    await tick(1000); // open but no ready yet: still polling
    expect(server.count('GET', `/api/tasks/${taskId}`)).toBe(2);
    act(() => ws.serverSend({ event: 'ready', data: { last_id: 0 } }));
    await tick(5000);
    expect(server.count('GET', `/api/tasks/${taskId}`)).toBe(2);
    expect(result.current.websocket.pendingTaskIds).toEqual([taskId]);
  });

  it('after a reload, a pending answer from the server shows as pending and is waited for', async () => {
    const conv = server.addConversation();
    // Send through the fake API directly, as a previous page load did.
    const sent = await (
      await fetch(`/api/conversations/${conv.id}/messages`, {
        method: 'POST',
        body: JSON.stringify({ content: 'before reload' }),
      })
    ).json();
    const { result } = renderChat(conv.id);
    await tick();
    const answer = result.current.chat.messages.find((m) => m.role === 'assistant')!;
    expect(answer.status).toBe('queued');
    expect(result.current.websocket.pendingTaskIds).toEqual([sent.task_id]);
    act(() => MockWebSocket.latest().serverReady(0));
    act(() => MockWebSocket.latest().serverSend(completedEvent(1, sent.task_id, 'after reload')));
    expect(result.current.chat.messages.find((m) => m.role === 'assistant')!.content).toBe('after reload');
  });

  it('stops polling and leaves no timer after unmount', async () => {
    const conv = server.addConversation();
    const { result, unmount } = renderChat(conv.id);
    await act(async () => {
      await result.current.chat.sendMessage('hello');
    });
    await tick(1000);
    const polls = server.count('GET', '/api/tasks/');
    expect(polls).toBe(1);
    unmount();
    client.clear();
    expect(vi.getTimerCount()).toBe(0);
    await tick(10000);
    expect(server.count('GET', '/api/tasks/')).toBe(polls);
    expect(MockWebSocket.openCount()).toBe(0);
  });
});
