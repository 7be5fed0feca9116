// The conversation's settings in the chat header (protocol.md E15), against the fake API over MSW:
// the header's lane picker PATCHes the lane and the composer follows it; a send names a lane only
// when one was picked in the composer; the System prompt editor counts characters and UTF-8 bytes,
// saves and clears with PATCH, marks the header while a prompt is set, and shows refusals.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { ConversationPage } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { MockWebSocket } from '../../../test/mock-websocket';
import type { FakeServer } from '../../../test/fake-server';
import { mswServer } from '../../../test/msw';
import { tick } from '../../../test/render';
import { renderApp } from '../../../test/app';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

async function open(settings: { lane?: string | null; system_prompt?: string | null; lane_unavailable?: string }) {
  const conv = server.addConversation('Settings chat');
  Object.assign(conv, settings);
  renderApp(client, `/c/${conv.id}`);
  act(() => MockWebSocket.latest().serverReady(0));
  await tick();
  return conv;
}

async function send(text: string) {
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  fireEvent.change(box, { target: { value: text } });
  fireEvent.keyDown(box, { key: 'Enter' });
  await tick();
}

function lastSend() {
  return server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages')).at(-1)!;
}

function patches() {
  return server.requests.filter((r) => r.method === 'PATCH');
}

const headerLane = () => screen.getByLabelText('Conversation lane') as HTMLSelectElement;
const composerLane = () => screen.getByLabelText('Lane') as HTMLSelectElement;
const promptButton = () => screen.getByRole('button', { name: /^System prompt/ });

describe('Conversation settings in the header', () => {
  it("shows the conversation's lane, and the composer defaults to it without naming it in the send", async () => {
    await open({ lane: 'smart' });
    expect(headerLane().value).toBe('smart');
    expect([...headerLane().options].map((o) => o.textContent)).toEqual([
      'default (demo)',
      'demo (demo)',
      'smart (big-1)',
    ]);
    expect(composerLane().value).toBe('smart');
    await send('which lane?');
    expect(lastSend().body).toEqual({ content: 'which lane?' });
    expect(server.tasks.get([...server.tasks.keys()].at(-1)!)!.lane).toBe('smart');
  });

  it('sets the lane with PATCH, writes it into the cached list, and the composer follows', async () => {
    const conv = await open({ lane: null });
    expect(headerLane().value).toBe('');
    expect(composerLane().value).toBe('demo');
    fireEvent.change(composerLane(), { target: { value: 'demo' } }); // a pick in the composer…
    fireEvent.change(headerLane(), { target: { value: 'smart' } }); // …then the header sets the lane
    await tick();
    expect(patches()).toEqual([{ method: 'PATCH', path: `/api/conversations/${conv.id}`, body: { lane: 'smart' } }]);
    expect(headerLane().value).toBe('smart');
    expect(composerLane().value).toBe('smart');
    const list = client.getQueryData<InfiniteData<ConversationPage>>(conversationKeys.list());
    expect(list?.pages[0]?.conversations.find((c) => c.id === conv.id)?.lane).toBe('smart');
    await send('now on smart');
    expect(lastSend().body).toEqual({ content: 'now on smart' });

    // Back to the server's default: null.
    fireEvent.change(headerLane(), { target: { value: '' } });
    await tick();
    expect(patches().at(-1)!.body).toEqual({ lane: null });
    expect(composerLane().value).toBe('demo');
  });

  it('a lane picked in the composer is named by the send and then shown as the conversation’s', async () => {
    await open({ lane: null });
    fireEvent.change(composerLane(), { target: { value: 'smart' } });
    await send('use smart');
    expect(lastSend().body).toEqual({ content: 'use smart', lane: 'smart' });
    expect(headerLane().value).toBe('smart');
    expect(patches()).toHaveLength(0);
  });

  it('edits the system prompt: counts characters and bytes, saves, marks the header, clears', async () => {
    const conv = await open({});
    expect(screen.queryByTestId('system-prompt-marker')).toBeNull();
    fireEvent.click(promptButton());
    const editor = screen.getByRole('form', { name: 'System prompt editor' });
    const text = within(editor).getByLabelText('System prompt') as HTMLTextAreaElement;
    expect(text.value).toBe('');
    expect(within(editor).getByRole('button', { name: 'Clear' })).toBeDisabled();
    fireEvent.change(text, { target: { value: 'Réponds en français.' } });
    expect(within(editor).getByText(/20 characters · 22 \/ 8192 bytes/)).toBeInTheDocument();
    fireEvent.click(within(editor).getByRole('button', { name: 'Save' }));
    await tick();
    expect(patches()).toEqual([
      { method: 'PATCH', path: `/api/conversations/${conv.id}`, body: { system_prompt: 'Réponds en français.' } },
    ]);
    expect(screen.queryByRole('form', { name: 'System prompt editor' })).toBeNull();
    expect(screen.getByTestId('system-prompt-marker')).toBeInTheDocument();
    expect(promptButton()).toHaveAttribute('title', 'Réponds en français.');

    // Reopened, it holds the saved text; Clear sends null and the marker goes.
    fireEvent.click(promptButton());
    expect((screen.getByLabelText('System prompt') as HTMLTextAreaElement).value).toBe('Réponds en français.');
    fireEvent.click(screen.getByRole('button', { name: 'Clear' }));
    await tick();
    expect(patches().at(-1)!.body).toEqual({ system_prompt: null });
    expect(screen.queryByTestId('system-prompt-marker')).toBeNull();
  });

  it('refuses to save a prompt over 8 KiB of UTF-8, and shows what the server refused', async () => {
    await open({ system_prompt: 'Old prompt.' });
    expect(screen.getByTestId('system-prompt-marker')).toBeInTheDocument();
    fireEvent.click(promptButton());
    const text = screen.getByLabelText('System prompt') as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: 'é'.repeat(4097) } });
    expect(screen.getByText(/4097 characters · 8194 \/ 8192 bytes — too long/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();

    mswServer.use(
      http.patch('*/api/conversations/:id', () =>
        HttpResponse.json(
          { error: { code: 'rate_limited', message: 'Too many conversations created or renamed at once.' } },
          { status: 429, headers: { 'Retry-After': '5' } },
        ),
      ),
    );
    fireEvent.change(text, { target: { value: 'New prompt.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await tick();
    expect(screen.getByRole('alert')).toHaveTextContent('Too many conversations created or renamed at once.');
    expect(screen.getByRole('form', { name: 'System prompt editor' })).toBeInTheDocument();
    expect(promptButton()).toHaveAttribute('title', 'Old prompt.');
  });

  it('shows a change made in another tab, pushed as conversation.updated', async () => {
    const conv = await open({ lane: null });
    act(() =>
      MockWebSocket.latest().serverSend({
        event: 'update',
        id: 1,
        data: {
          type: 'conversation.updated',
          conversation_id: conv.id,
          title: 'Renamed elsewhere',
          lane: 'smart',
          system_prompt: 'Set in another tab.',
          lane_unavailable: null,
          updated_at: new Date(1).toISOString(),
        },
      }),
    );
    await tick();
    expect(headerLane().value).toBe('smart');
    expect(composerLane().value).toBe('smart');
    expect(screen.getByTestId('system-prompt-marker')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Renamed elsewhere' })).toBeInTheDocument();
    expect(patches()).toHaveLength(0);
  });

  it('says when the stored lane is no longer offered', async () => {
    await open({ lane: null, lane_unavailable: 'gone' });
    expect(screen.getByText(/The lane “gone” is no longer offered/)).toBeInTheDocument();
    expect(headerLane().value).toBe('');
  });
});
