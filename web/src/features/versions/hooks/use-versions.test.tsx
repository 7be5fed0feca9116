// useVersions against the fake API (MSW) with the tree of E12: each action calls its route, puts
// the new path in the conversation's cached data, hands an accepted answer on to be waited for,
// and says why when the server refuses.
import { act, renderHook } from '@testing-library/react';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { http } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getConversation, type ConversationDetail, type SendMessageResponse } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';
import type { FakeServer } from '../../../test/fake-server';
import { FakeTree } from '../../../test/fake-tree';
import { mswServer } from '../../../test/msw';
import { tick, wrapperFor } from '../../../test/render';
import { useVersions } from './use-versions';

let server: FakeServer;
let client: QueryClient;
let tree: FakeTree;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
  tree = new FakeTree(server);
  mswServer.use(...tree.handlers);
});

afterEach(() => stopFakeBackend(client));

function renderVersions(conversationId: string) {
  const accepted = vi.fn<(r: SendMessageResponse) => void>();
  const view = renderHook(
    () => {
      const detail = useQuery({
        queryKey: conversationKeys.detail(conversationId),
        queryFn: ({ signal }) => getConversation(conversationId, signal),
      });
      return { detail: detail.data, versions: useVersions(conversationId, accepted) };
    },
    { wrapper: wrapperFor(client) },
  );
  return { ...view, accepted };
}

const ids = (d: ConversationDetail | undefined) => d?.messages.map((m) => m.id) ?? [];
const cached = (id: string) => client.getQueryData<ConversationDetail>(conversationKeys.detail(id));

describe('useVersions', () => {
  it('regenerates an answer: the new pending version is the leaf at once, and is handed on', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const [, answer] = conv.messages;
    const { result, accepted } = renderVersions(conv.id);
    await tick();
    // Hold the conversation's refetch so the test sees what the answer to the POST alone wrote.
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    mswServer.use(
      http.get('*/api/conversations/:id', async () => {
        await gate;
        return undefined;
      }),
    );
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.versions.regenerate(answer!.id, 'smart');
    });
    await tick();
    expect(tree.calls).toEqual([{ route: 'regenerate', messageId: answer!.id, body: { lane: 'smart' } }]);
    expect(tree.keys[0], 'a retried regenerate is not a second one').toMatch(/^[\w-]{8,}$/);
    const response = accepted.mock.calls[0]![0];
    expect(response).toMatchObject({ status: 'queued', lane: 'smart', user_message_id: conv.messages[0]!.id });
    const shown = cached(conv.id)!;
    expect(shown.messages.at(-1)).toMatchObject({
      id: response.message_id,
      status: 'queued',
      task_id: response.task_id,
    });
    expect(shown.messages.at(-1)!.sibling_ids).toEqual([answer!.id, response.message_id]);
    expect(shown.leaf_id).toBe(response.message_id);
    release();
    await act(() => done);
    await tick();
    expect(ids(result.current.detail)).toEqual(ids(server.conversations.get(conv.id)));
    expect(result.current.versions.error).toBeNull();
  });

  it('edits a user message: its new version and pending answer replace the rest of the path', async () => {
    const conv = tree.seed('T', [
      ['q1', 'a1'],
      ['q2', 'a2'],
    ]);
    const question = conv.messages[2]!;
    const { result, accepted } = renderVersions(conv.id);
    await tick();
    await act(() => result.current.versions.edit(question.id, 'q2, better', 'demo'));
    await tick();
    expect(tree.calls).toEqual([
      { route: 'edit', messageId: question.id, body: { content: 'q2, better', lane: 'demo' } },
    ]);
    expect(accepted).toHaveBeenCalledTimes(1);
    const path = result.current.detail!.messages;
    expect(path).toHaveLength(4);
    expect(path[2]).toMatchObject({ role: 'user', content: 'q2, better' });
    expect(path[2]!.sibling_ids).toEqual([question.id, path[2]!.id]);
    expect(path[3]).toMatchObject({ role: 'assistant', status: 'queued' });
  });

  it('switches to another version: the server’s read of the new path is the cached one', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const [question, first] = conv.messages;
    const { result } = renderVersions(conv.id);
    await tick();
    await act(() => result.current.versions.regenerate(first!.id));
    await tick();
    const second = result.current.detail!.messages[1]!;
    expect(second.sibling_ids).toEqual([first!.id, second.id]);
    const gets = server.count('GET', `/api/conversations/${conv.id}`);
    await act(() => result.current.versions.switchTo(first!.id));
    expect(tree.calls.at(-1)).toEqual({ route: 'switch', messageId: first!.id, body: { message_id: first!.id } });
    expect(ids(cached(conv.id))).toEqual([question!.id, first!.id]);
    expect(cached(conv.id)!.leaf_id).toBe(first!.id);
    await tick();
    // The answer to the switch is the read: no second trip for the conversation.
    expect(server.count('GET', `/api/conversations/${conv.id}`)).toBe(gets);
  });

  it('says why when the server refuses, and leaves the path and the pending answers alone', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const { result, accepted } = renderVersions(conv.id);
    await tick();
    const before = ids(cached(conv.id));
    await act(() => result.current.versions.regenerate('msg-unknown'));
    await tick();
    expect(result.current.versions.error).toBe('The answer could not be regenerated: No such message.');
    expect(accepted).not.toHaveBeenCalled();
    expect(ids(cached(conv.id))).toEqual(before);
    // A later action that works clears it.
    await act(() => result.current.versions.switchTo(conv.messages[1]!.id));
    expect(result.current.versions.error).toBeNull();
  });

  it('refuses to regenerate an answer still being written (409), with the server’s reason', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const { result } = renderVersions(conv.id);
    await tick();
    await act(() => result.current.versions.regenerate(conv.messages[1]!.id));
    await tick();
    const pending = result.current.detail!.messages[1]!;
    await act(() => result.current.versions.regenerate(pending.id));
    expect(result.current.versions.error).toBe(
      'The answer could not be regenerated: That answer is still being written.',
    );
  });

  it('names the message it is busy with until the server answered', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const { result } = renderVersions(conv.id);
    await tick();
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    mswServer.use(
      http.post('*/regenerate', async () => {
        await gate;
        return undefined;
      }),
    );
    let done: Promise<void> = Promise.resolve();
    act(() => {
      done = result.current.versions.regenerate(conv.messages[1]!.id);
    });
    await tick();
    expect(result.current.versions.busyId).toBe(conv.messages[1]!.id);
    release();
    await act(() => done);
    await tick();
    expect(result.current.versions.busyId).toBeNull();
  });
});
