// The shortcuts in the real page (Layout, sidebar, chat) against the fake backend: j/k walk the
// sidebar's conversations, n goes to a new chat with the focus in the message box, and Esc stops
// the answer being written.
import { act, fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../../../test/mock-websocket';
import { FakeServer } from '../../../test/fake-server';
import { tick } from '../../../test/render';
import { renderApp } from '../../../test/app';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

const key = async (k: string, target: Element = document.body) => {
  fireEvent.keyDown(target, { key: k });
  await tick();
};
const title = () => screen.getByRole('heading', { level: 1 }).textContent;

describe('keyboard shortcuts in the page', () => {
  it('j/k switch conversations, n starts a new one with the focus in the message box', async () => {
    const titles = ['First', 'Second', 'Third'].map((t) => server.addConversation(t));
    renderApp(client, `/c/${titles[1].id}`);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    const order = [...document.querySelectorAll('#sidebar a.conversation-link')].map(
      (a) => a.querySelector('.conversation-title')!.textContent,
    );
    expect(order).toHaveLength(3);
    const at = order.indexOf(title());
    expect(at).toBeGreaterThanOrEqual(0);
    // Move one way and back, down first unless the start is the last of the list.
    const [there, back] = at + 1 < order.length ? ['j', 'k'] : ['k', 'j'];
    await key(there);
    expect(title()).toBe(order[there === 'j' ? at + 1 : at - 1]);
    await key(back);
    expect(title()).toBe(order[at]);
    await key('n');
    expect(title()).toBe('New conversation');
    expect(screen.getByLabelText('Message')).toHaveFocus();
  });

  it('Esc in the message box stops the pending answer', async () => {
    const conv = server.addConversation('Stop me');
    renderApp(client, `/c/${conv.id}`);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'a long question' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await tick();
    const cancels = () => server.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/cancel')).length;
    expect(screen.getByRole('button', { name: 'Stop' })).toBeEnabled();
    expect(cancels()).toBe(0);
    await key('Escape', box);
    expect(cancels()).toBe(1);
  });
});
