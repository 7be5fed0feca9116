// Tests for lib/api: WS_URL derivation, the error type, and pollForResult (incl. abort).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from '../test/fake-server';
import { mswServer } from '../test/msw';
import { ApiError, WS_URL, getConversation, pollForResult, sendMessage, wsUrlFor } from './api';
import { editMessage, isConversationSwitched, regenerateMessage, switchVersion } from './api';
import { FakeTree } from '../test/fake-tree';

let server: FakeServer;

beforeEach(() => {
  server = new FakeServer();
  mswServer.use(...server.handlers);
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('WS_URL', () => {
  it('follows the page scheme and host', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/ws');
    expect(wsUrlFor({ protocol: 'https:', host: 'chat.example.org' })).toBe('wss://chat.example.org/ws');
    expect(WS_URL).toBe(wsUrlFor(window.location));
  });
});

describe('errors', () => {
  it('carries error.code from the body', async () => {
    const err = await getConversation('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('not_found');
    expect((err as ApiError).status).toBe(404);
  });

  it('reports a network failure as code "network"', async () => {
    server.down = true;
    const err = await getConversation('x').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('network');
  });
});

describe('pollForResult', () => {
  it('polls until the task has ended and resolves with it', async () => {
    vi.useFakeTimers();
    const conv = server.addConversation();
    const sent = await sendMessage(conv.id, 'hello');
    const done = pollForResult(sent.task_id, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(server.count('GET', `/api/tasks/${sent.task_id}`)).toBe(3);
    server.finishTask(sent.task_id, { content: 'answer', model: 'demo', cost_usd: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    const task = await done;
    expect(task.status).toBe('completed');
    expect(task.result?.content).toBe('answer');
  });

  it('keeps polling through network failures', async () => {
    vi.useFakeTimers();
    const conv = server.addConversation();
    const sent = await sendMessage(conv.id, 'hello');
    server.down = true;
    const done = pollForResult(sent.task_id, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(2000);
    server.down = false;
    server.finishTask(sent.task_id, { error: 'boom' });
    await vi.advanceTimersByTimeAsync(1000);
    expect((await done).error).toBe('boom');
  });

  it('stops when its signal is aborted, leaving no timer', async () => {
    vi.useFakeTimers();
    const conv = server.addConversation();
    const sent = await sendMessage(conv.id, 'hello');
    const controller = new AbortController();
    const done = pollForResult(sent.task_id, { intervalMs: 1000, signal: controller.signal });
    const outcome = done.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    expect(((await outcome) as Error).name).toBe('AbortError');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.count('GET', '/api/tasks/')).toBe(1);
  });

  it('sends the Idempotency-Key header with a message', async () => {
    const conv = server.addConversation();
    await sendMessage(conv.id, 'x', 'demo', 'key-1');
    expect(server.requestHeaders.at(-1)!['idempotency-key']).toBe('key-1');
    expect(server.requests.at(-1)!.body).toEqual({ content: 'x', lane: 'demo' });
  });
});

describe('versions (E12)', () => {
  it('regenerate, edit and switch call their routes with their bodies and idempotency keys', async () => {
    const tree = new FakeTree(server);
    mswServer.use(...tree.handlers);
    const conv = tree.seed('T', [['q', 'a']]);
    const [question, answer] = conv.messages;
    const regenerated = await regenerateMessage(conv.id, answer!.id, undefined, 'key-1');
    expect(regenerated).toMatchObject({ status: 'queued', user_message_id: question!.id, lane: 'demo' });
    const edited = await editMessage(conv.id, question!.id, 'q again', 'smart', 'key-2');
    expect(edited.lane).toBe('smart');
    const read = await switchVersion(conv.id, answer!.id);
    expect(read.leaf_id).toBe(answer!.id);
    expect(tree.calls.map((c) => [c.route, c.body])).toEqual([
      ['regenerate', {}],
      ['edit', { content: 'q again', lane: 'smart' }],
      ['switch', { message_id: answer!.id }],
    ]);
    expect(tree.keys).toEqual(['key-1', 'key-2', null]);
    const err = await switchVersion(conv.id, 'msg-none').catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('not_found');
    expect(isConversationSwitched({ type: 'conversation.switched', conversation_id: conv.id, leaf_id: null })).toBe(
      true,
    );
    expect(isConversationSwitched({ type: 'conversation.read' })).toBe(false);
  });
});
