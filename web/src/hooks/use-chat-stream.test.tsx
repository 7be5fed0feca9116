// Tests for live partial answers and Stop in useChat (real useWebSocket on a mock socket, fake
// HTTP API): progress accumulates by offset, renders are throttled, a gap (or joining
// mid-stream) goes back to waiting, the final answer replaces the preview, and a cancelled
// answer is "stopped" whether we learn it from the cancel answer, the event or a reload.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { tick, wrapperFor } from '../test/render';
import { useWebSocket } from './use-websocket';
import { applyProgress, useChat } from './use-chat';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

function progress(taskId: string, delta: string, offset: number) {
  return { event: 'progress', data: { task_id: taskId, message_id: 'm', delta, offset } };
}

function completed(id: number, taskId: string, content: string) {
  return {
    event: 'update',
    id,
    data: {
      type: 'task.completed',
      task_id: taskId,
      conversation_id: 'c',
      message_id: 'm',
      lane: 'demo',
      result: { content, model: 'demo', cost_usd: 0, files: [] },
    },
  };
}

function renderChat(conversationId: string) {
  let renders = 0;
  const hook = renderHook(
    () => {
      renders += 1;
      const websocket = useWebSocket({ url: 'ws://x/ws', random: () => 0 });
      const chat = useChat(websocket, conversationId, { pollIntervalMs: 1000 });
      return { websocket, chat };
    },
    { wrapper: wrapperFor(client) },
  );
  return { ...hook, renders: () => renders };
}

async function sendOne(result: ReturnType<typeof renderChat>['result'], text = 'hello'): Promise<string> {
  let taskId = '';
  await act(async () => {
    taskId = (await result.current.chat.sendMessage(text))!.task_id;
  });
  await tick();
  return taskId;
}

function answerOf(result: ReturnType<typeof renderChat>['result'], taskId: string) {
  return result.current.chat.messages.find((m) => m.role === 'assistant' && m.taskId === taskId)!;
}

async function connected(conversationId: string) {
  const hook = renderChat(conversationId);
  act(() => MockWebSocket.latest().serverReady(0));
  await tick();
  return hook;
}

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

describe('applyProgress', () => {
  it('appends a delta that starts where the text ends (UTF-16 offsets)', () => {
    let s = applyProgress(undefined, 'emoji 😀', 0);
    expect(s).toEqual({ text: 'emoji 😀', broken: false });
    s = applyProgress(s, ' and more', 8); // '😀' is two UTF-16 units
    expect(s).toEqual({ text: 'emoji 😀 and more', broken: false });
  });

  it('a gap, an overlap or a first frame past 0 breaks the stream for good; offset 0 restarts it', () => {
    const s = applyProgress(undefined, 'abc', 0);
    expect(applyProgress(s, 'x', 5).broken).toBe(true);
    expect(applyProgress(s, 'x', 1).broken).toBe(true);
    expect(applyProgress(undefined, 'late', 10).broken).toBe(true);
    const broken = applyProgress(s, 'x', 5);
    expect(applyProgress(broken, 'y', 3).broken).toBe(true);
    expect(applyProgress(broken, 'again', 0)).toEqual({ text: 'again', broken: false });
  });
});

describe('useChat live partial answers', () => {
  it('progress frames grow the pending answer; the final answer replaces it', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    const ws = MockWebSocket.latest();
    expect(answerOf(result, taskId).partial).toBeUndefined();

    act(() => ws.serverSend(progress(taskId, 'Hello ', 0)));
    await tick(100);
    expect(answerOf(result, taskId)).toMatchObject({ status: 'queued', partial: 'Hello ' });
    act(() => ws.serverSend(progress(taskId, '**wor', 6)));
    act(() => ws.serverSend(progress(taskId, 'ld**', 11)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBe('Hello **world**');
    // progress frames are not update events: lastEvent and the event id do not move
    expect(result.current.websocket.lastEvent).toBeNull();
    expect(result.current.websocket.lastEventId).toBe(0);

    act(() => ws.serverSend(completed(1, taskId, 'Hello **world**, final.')));
    await tick();
    const answer = answerOf(result, taskId);
    expect(answer.status).toBe('completed');
    expect(answer.content).toBe('Hello **world**, final.');
    expect(answer.partial).toBeUndefined();
    // a straggler after the end changes nothing
    act(() => ws.serverSend(progress(taskId, ' late', 23)));
    await tick(200);
    expect(answerOf(result, taskId).partial).toBeUndefined();
  });

  it('renders at most about 10 times a second however fast frames come', async () => {
    const conv = server.addConversation();
    const hook = await connected(conv.id);
    const taskId = await sendOne(hook.result);
    const ws = MockWebSocket.latest();
    const before = hook.renders();
    let text = '';
    // 50 frames over 1 s (50/s, faster than the server's 20/s coalescing)
    for (let i = 0; i < 50; i += 1) {
      const delta = `w${i} `;
      act(() => ws.serverSend(progress(taskId, delta, text.length)));
      text += delta;
      await act(async () => {
        await vi.advanceTimersByTimeAsync(20);
      });
    }
    await tick(200);
    const renders = hook.renders() - before;
    expect(renders).toBeLessThanOrEqual(14);
    expect(renders).toBeGreaterThanOrEqual(5);
    expect(answerOf(hook.result, taskId).partial).toBe(text);
  });

  it('a missed frame (gap in offset) drops the preview and waits for the final answer', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    const ws = MockWebSocket.latest();
    act(() => ws.serverSend(progress(taskId, 'one ', 0)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBe('one ');
    act(() => ws.serverSend(progress(taskId, 'three ', 8))); // 'two ' (offset 4) never came
    await tick(100);
    expect(answerOf(result, taskId).partial).toBeUndefined();
    expect(answerOf(result, taskId).status).toBe('queued'); // the typing indicator again
    act(() => ws.serverSend(progress(taskId, 'four', 14)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBeUndefined();
    act(() => ws.serverSend(completed(1, taskId, 'one two three four')));
    await tick();
    expect(answerOf(result, taskId)).toMatchObject({ status: 'completed', content: 'one two three four' });
  });

  it('a socket that reconnects mid-stream picks up the next frame, notices the gap and waits', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'abc', 0)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBe('abc');
    act(() => MockWebSocket.latest().serverClose());
    await tick(1000); // backoff: 1 s
    const again = MockWebSocket.latest();
    act(() => again.serverReady(0));
    act(() => again.serverSend(progress(taskId, 'ghi', 6))); // 'def' was sent while we were away
    await tick(100);
    expect(answerOf(result, taskId).partial).toBeUndefined();
    act(() => again.serverSend(completed(1, taskId, 'abcdefghi')));
    await tick();
    expect(answerOf(result, taskId)).toMatchObject({ status: 'completed', content: 'abcdefghi' });
  });

  it('a page that joins mid-stream (first frame past offset 0) shows no partial text', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'middle', 40)));
    await tick(200);
    expect(answerOf(result, taskId).partial).toBeUndefined();
  });
});

describe('useChat stop', () => {
  it('stopTask cancels the task and shows the answer as stopped, not failed', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'partial', 0)));
    server.streamTask(taskId, 'partial'); // the server keeps the text so far (E13)
    await tick(100);
    await act(async () => {
      await result.current.chat.stopTask(taskId);
    });
    expect(server.count('POST', `/api/tasks/${taskId}/cancel`)).toBe(1);
    const answer = answerOf(result, taskId);
    expect(answer).toMatchObject({ status: 'failed', cancelled: true, error: 'cancelled', content: 'partial' });
    expect(answer.partial).toBeUndefined();
    expect(result.current.websocket.pendingTaskIds).toEqual([]);
    expect(result.current.chat.announcement).toBe('The answer was stopped.');
    // The event that follows changes nothing.
    const shown = result.current.chat.messages;
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
          error: 'cancelled',
          cancelled: true,
        },
      }),
    );
    expect(result.current.chat.messages).toStrictEqual(shown);
  });

  it('a task.failed event with cancelled: true (Stop from another tab) shows stopped', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
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
          error: 'cancelled',
          cancelled: true,
        },
      }),
    );
    expect(answerOf(result, taskId)).toMatchObject({ status: 'failed', cancelled: true });
  });

  it('stopping a task that had already ended shows how it really ended (409 → GET the task)', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    server.finishTask(taskId, { content: 'too late to stop', model: 'demo', cost_usd: 0 });
    await act(async () => {
      await result.current.chat.stopTask(taskId);
    });
    expect(answerOf(result, taskId)).toMatchObject({
      status: 'completed',
      content: 'too late to stop',
      cancelled: false,
    });
  });

  it('after a reload a cancelled answer (failed + "cancelled") is shown as stopped', async () => {
    const conv = server.addConversation();
    const sent = await (
      await fetch(`/api/conversations/${conv.id}/messages`, {
        method: 'POST',
        body: JSON.stringify({ content: 'stop me' }),
      })
    ).json();
    server.finishTask(sent.task_id, { error: 'cancelled' });
    const { result } = renderChat(conv.id);
    await tick();
    expect(answerOf(result, sent.task_id)).toMatchObject({ status: 'failed', cancelled: true });
  });
});

// Issue 18, protocol.md E13: a stopped answer keeps its text; a page resumes mid-stream.
describe('useChat stop keeps the text and resume mid-stream', () => {
  function cancelledEvent(id: number, taskId: string, conversationId: string, content?: string) {
    return {
      event: 'update',
      id,
      data: {
        type: 'task.failed',
        task_id: taskId,
        conversation_id: conversationId,
        lane: 'demo',
        result: null,
        error: 'cancelled',
        cancelled: true,
        ...(content === undefined ? {} : { content }),
      },
    };
  }

  it('Stop keeps the streamed text on the stopped answer, before and after the refetch', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    server.streamTask(taskId, 'Once upon a time');
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'Once upon a time', 0)));
    await tick(100);
    await act(async () => {
      await result.current.chat.stopTask(taskId);
    });
    expect(answerOf(result, taskId)).toMatchObject({
      status: 'failed',
      cancelled: true,
      content: 'Once upon a time',
    });
    await tick(); // the refetch: the server stored the same text
    expect(answerOf(result, taskId)).toMatchObject({ cancelled: true, content: 'Once upon a time' });
    expect(answerOf(result, taskId).partial).toBeUndefined();
  });

  it('a Stop from another tab shows the text its event carries', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'Once', 0)));
    await tick(100);
    act(() => MockWebSocket.latest().serverSend(cancelledEvent(1, taskId, conv.id, 'Once upon')));
    await tick();
    expect(answerOf(result, taskId)).toMatchObject({ status: 'failed', cancelled: true, content: 'Once upon' });
  });

  it('after a reload a stopped answer (stopped: true) shows its text', async () => {
    const conv = server.addConversation();
    const sent = await (
      await fetch(`/api/conversations/${conv.id}/messages`, { method: 'POST', body: JSON.stringify({ content: 'x' }) })
    ).json();
    server.streamTask(sent.task_id, 'half an answer');
    server.finishTask(sent.task_id, { error: 'cancelled' });
    const { result } = renderChat(conv.id);
    await tick();
    expect(answerOf(result, sent.task_id)).toMatchObject({
      status: 'failed',
      cancelled: true,
      content: 'half an answer',
    });
  });

  it('a reload mid-stream shows the read text at once, grows it from the snapshot, then the final answer once', async () => {
    const conv = server.addConversation();
    const sent = await (
      await fetch(`/api/conversations/${conv.id}/messages`, { method: 'POST', body: JSON.stringify({ content: 'x' }) })
    ).json();
    server.streamTask(sent.task_id, 'Hello wor');
    const { result } = renderChat(conv.id);
    await tick();
    expect(answerOf(result, sent.task_id)).toMatchObject({ status: 'running', partial: 'Hello wor' });

    const ws = MockWebSocket.latest();
    act(() => ws.serverReady(0));
    act(() => ws.serverSend(progress(sent.task_id, 'Hello world', 0))); // the snapshot: all so far
    await tick(100);
    expect(answerOf(result, sent.task_id).partial).toBe('Hello world');
    act(() => ws.serverSend(progress(sent.task_id, ', again', 11)));
    await tick(100);
    expect(answerOf(result, sent.task_id).partial).toBe('Hello world, again');

    act(() => ws.serverSend(completed(1, sent.task_id, 'Hello world, again.')));
    await tick();
    expect(answerOf(result, sent.task_id)).toMatchObject({ status: 'completed', content: 'Hello world, again.' });
    expect(answerOf(result, sent.task_id).partial).toBeUndefined();
  });

  it('a reconnect mid-stream restarts from the snapshot at offset 0: nothing doubled', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    act(() => MockWebSocket.latest().serverSend(progress(taskId, 'abc', 0)));
    await tick(100);
    act(() => MockWebSocket.latest().serverClose());
    await tick(1000); // backoff: 1 s
    const again = MockWebSocket.latest();
    act(() => again.serverReady(0));
    act(() => again.serverSend(progress(taskId, 'abcdef', 0)));
    act(() => again.serverSend(progress(taskId, 'ghi', 6)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBe('abcdefghi');
  });
});

describe('useChat: the second word on a stop made on another node (E13)', () => {
  it('a later cancelled event with the kept text refetches, and the stored text shows', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const taskId = await sendOne(result);
    const event = (id: number, content: string) => ({
      event: 'update',
      id,
      data: {
        type: 'task.failed',
        task_id: taskId,
        conversation_id: conv.id,
        lane: 'demo',
        result: null,
        error: 'cancelled',
        cancelled: true,
        content,
      },
    });
    server.finishTask(taskId, { error: 'cancelled' });
    act(() => MockWebSocket.latest().serverSend(event(1, '')));
    await tick();
    expect(answerOf(result, taskId)).toMatchObject({ cancelled: true, content: '' });
    const reads = server.count('GET', `/api/conversations/${conv.id}`);
    server.conversations.get(conv.id)!.messages[1].content = 'what the runner had';
    act(() => MockWebSocket.latest().serverSend(event(2, 'what the runner had')));
    await tick();
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBeGreaterThan(reads);
    expect(answerOf(result, taskId)).toMatchObject({ cancelled: true, content: 'what the runner had' });
  });
});

describe('useChat: a streaming task the page read too early to show', () => {
  // The first message of a new conversation: the page read the conversation before the send
  // committed, and the demo lane sends no task.running event. Without a refetch the page would
  // stay empty (not even the user's message) until the final event.
  it('its first progress frame refetches once, and the message and its preview appear', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    expect(result.current.chat.messages).toEqual([]);
    const reads = server.count('GET', `/api/conversations/${conv.id}`);
    const { task_id: taskId } = server.addExchange(conv, 'committed after the read', 'demo');
    const ws = MockWebSocket.latest();

    act(() => ws.serverSend(progress(taskId, 'Hello ', 0)));
    await tick(100);
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBe(reads + 1);
    expect(result.current.chat.messages.map((m) => m.content)).toContain('committed after the read');
    expect(answerOf(result, taskId)).toMatchObject({ status: 'queued', partial: 'Hello ' });

    act(() => ws.serverSend(progress(taskId, 'world', 6)));
    await tick(100);
    expect(answerOf(result, taskId).partial).toBe('Hello world');
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBe(reads + 1);
  });

  it('a progress frame of a task the page shows, or of one that ended, fetches nothing', async () => {
    const conv = server.addConversation();
    const { result } = await connected(conv.id);
    const shownTask = await sendOne(result);
    const reads = server.count('GET', `/api/conversations/${conv.id}`);
    act(() => MockWebSocket.latest().serverSend(progress(shownTask, 'Hi', 0)));
    await tick(100);
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBe(reads);

    act(() => MockWebSocket.latest().serverSend(completed(1, shownTask, 'Hi there')));
    await tick();
    const afterEnd = server.count('GET', `/api/conversations/${conv.id}`);
    act(() => MockWebSocket.latest().serverSend(progress(shownTask, 'late', 0)));
    await tick(100);
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBe(afterEnd);
  });
});
