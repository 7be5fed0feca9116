// Tests for the Header status: green Connected, yellow Partial, red Disconnected, as text + colour,
// sharing the Layout's single socket.
import { act, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { MockWebSocket } from '../test/mock-websocket';
import { FakeServer } from '../test/fake-server';
import { tick } from '../test/render';
import { renderApp } from '../test/app';
import { startFakeBackend, stopFakeBackend } from '../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
});

afterEach(() => stopFakeBackend(client));

function header() {
  const el = document.querySelector('.header .status') as HTMLElement;
  const dot = screen.getByTestId('status-dot');
  return {
    text: el.querySelector('.status-text')!.textContent,
    state: el.dataset.status,
    color: dot.style.backgroundColor,
  };
}

describe('Header', () => {
  it('shows green Connected, yellow Partial and red Disconnected', async () => {
    renderApp(client);
    await tick();
    expect(header()).toEqual({ text: 'Partial', state: 'partial', color: 'rgb(249, 168, 37)' });

    act(() => MockWebSocket.latest().serverReady(0));
    await tick();
    expect(header()).toEqual({ text: 'Connected', state: 'full', color: 'rgb(46, 125, 50)' });

    server.down = true;
    act(() => MockWebSocket.latest().serverClose());
    await tick(5000);
    expect(header()).toEqual({ text: 'Disconnected', state: 'disconnected', color: 'rgb(198, 40, 40)' });
  });

  it('opens one socket for the whole page (Header and Chat share it)', async () => {
    const conv = server.addConversation('One socket');
    renderApp(client, `/c/${conv.id}`);
    await tick();
    expect(screen.getByRole('heading', { name: 'One socket' })).toBeInTheDocument();
    expect(MockWebSocket.instances).toHaveLength(1);
  });
});
