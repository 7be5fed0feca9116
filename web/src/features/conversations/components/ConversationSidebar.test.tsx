// The sidebar shows the newest page of conversations and loads older pages on request.
import { fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { FakeServer } from '../../../test/fake-server';
import { tick } from '../../../test/render';
import { renderApp } from '../../../test/app';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';
import { mergePages } from '../hooks/use-conversations';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

function listed(): string[] {
  const nav = screen.getByRole('navigation', { name: 'Conversations' });
  return within(nav)
    .queryAllByRole('listitem')
    .map((li) => li.querySelector('.conversation-title')!.textContent ?? '');
}

describe('ConversationSidebar', () => {
  it('shows the first page and loads the next ones with "More conversations"', async () => {
    server.listLimit = 3;
    for (let i = 0; i < 7; i += 1) server.addConversation(`chat ${i}`);
    renderApp(client);
    await tick();
    expect(listed()).toEqual(['chat 0', 'chat 1', 'chat 2']);

    fireEvent.click(screen.getByRole('button', { name: 'More conversations' }));
    await tick();
    expect(listed()).toEqual(['chat 0', 'chat 1', 'chat 2', 'chat 3', 'chat 4', 'chat 5']);
    expect(server.requests.some((r) => r.method === 'GET' && r.path === '/api/conversations?before=3')).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'More conversations' }));
    await tick();
    expect(listed()).toHaveLength(7);
    expect(screen.queryByRole('button', { name: 'More conversations' })).toBeNull();
  });

  it('has no "More conversations" when everything fits in one page', async () => {
    server.addConversation('only one');
    renderApp(client);
    await tick();
    expect(listed()).toEqual(['only one']);
    expect(screen.queryByRole('button', { name: 'More conversations' })).toBeNull();
  });

  it('merges pages by id, keeping the newest copy of a conversation seen twice', () => {
    const a = {
      id: 'a',
      title: 'old',
      created_at: 't0',
      updated_at: '2026-01-01T00:00:00.000Z',
      message_count: 0,
      total_cost_usd: 0,
    };
    const b = { ...a, id: 'b', title: 'b' };
    const aAgain = { ...a, title: 'new', updated_at: '2026-01-02T00:00:00.000Z' };
    const merged = mergePages([
      { conversations: [a, b], nextCursor: 'x' },
      { conversations: [aAgain], nextCursor: null },
    ]);
    expect(merged.map((c) => [c.id, c.title])).toEqual([
      ['a', 'new'],
      ['b', 'b'],
    ]);
  });
});
