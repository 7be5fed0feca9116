// A send refused because the user's quota is used up (429 quota_exceeded, issue 20): the page
// says so plainly, with the server's sentence of when it resets, and keeps no trace of the message.
import { act, fireEvent, screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { mswServer } from '../test/msw';
import { tick } from '../test/render';
import { renderApp } from '../test/app';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

const REFUSAL =
  'You have used your quota of 1 message a day; you can send again at 00:00 UTC on 2026-12-02 (in 3 h 5 min).';

describe('Chat page over quota', () => {
  it('says the quota is used up and when it resets, and drops the unsent message', async () => {
    mswServer.use(
      http.post('*/api/conversations/:id/messages', () =>
        HttpResponse.json(
          { error: { code: 'quota_exceeded', message: REFUSAL, resets_at: '2026-12-02T00:00:00.000Z' } },
          { status: 429, headers: { 'Retry-After': '11100' } },
        ),
      ),
    );
    const conv = server.addConversation('My chat');
    renderApp(client, `/c/${conv.id}`);
    act(() => MockWebSocket.latest().serverReady(0));
    await tick();

    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: 'one too many' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    await tick();

    expect(screen.getByRole('alert')).toHaveTextContent(
      `The message could not be sent: your quota is used up. ${REFUSAL}`,
    );
    expect(screen.queryByText('one too many')).toBeNull();
    expect(screen.queryByRole('status', { name: 'Assistant is typing' })).toBeNull();
  });
});
