// useSwitchedEvents: a `conversation.switched` update refetches that conversation (another tab
// chose another path), unless the cached copy already ends at that leaf; other updates do not.
import { renderHook } from '@testing-library/react';
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getConversation, type UpdateEvent } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';
import type { FakeServer } from '../../../test/fake-server';
import { FakeTree } from '../../../test/fake-tree';
import { mswServer } from '../../../test/msw';
import { tick, wrapperFor } from '../../../test/render';
import { useSwitchedEvents } from './use-switched-events';

let server: FakeServer;
let client: QueryClient;
let tree: FakeTree;
let listeners: ((frame: UpdateEvent) => void)[];
const subscribe = (listener: (frame: UpdateEvent) => void) => {
  listeners.push(listener);
  return () => void (listeners = listeners.filter((l) => l !== listener));
};
const emit = (data: UpdateEvent['data']) => listeners.forEach((l) => l({ event: 'update', id: 1, data }));

beforeEach(() => {
  ({ server, client } = startFakeBackend());
  tree = new FakeTree(server);
  mswServer.use(...tree.handlers);
  listeners = [];
});

afterEach(() => stopFakeBackend(client));

function render(conversationId: string) {
  return renderHook(
    () => {
      useSwitchedEvents(subscribe);
      return useQuery({
        queryKey: conversationKeys.detail(conversationId),
        queryFn: ({ signal }) => getConversation(conversationId, signal),
      }).data;
    },
    { wrapper: wrapperFor(client) },
  );
}

describe('useSwitchedEvents', () => {
  it('shows the path another tab switched to', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    const first = conv.messages[1]!;
    const view = render(conv.id);
    await tick();
    // Another tab regenerates (the server's leaf moves) and the event says so.
    const second = tree.add(conv.id, 'assistant', 'a1, again', first.parent_id!, null);
    tree.switchTo(conv.id, second.id);
    emit({ type: 'conversation.switched', conversation_id: conv.id, leaf_id: second.id } as never);
    await tick();
    expect(view.result.current?.leaf_id).toBe(second.id);
    expect(view.result.current?.messages.at(-1)?.content).toBe('a1, again');
    expect(view.result.current?.messages.at(-1)?.sibling_ids).toEqual([first.id, second.id]);
  });

  it('does not refetch when the cached path already ends there, nor for other updates', async () => {
    const conv = tree.seed('T', [['q1', 'a1']]);
    render(conv.id);
    await tick();
    const gets = () => server.count('GET', `/api/conversations/${conv.id}`);
    const before = gets();
    emit({ type: 'conversation.switched', conversation_id: conv.id, leaf_id: conv.leaf_id } as never);
    emit({ type: 'conversation.read', conversation_id: conv.id, unread_count: 0 } as never);
    await tick();
    expect(gets()).toBe(before);
    emit({ type: 'conversation.switched', conversation_id: conv.id, leaf_id: 'msg-elsewhere' } as never);
    await tick();
    expect(gets()).toBe(before + 1);
  });
});
