// Tests for the Layout in token mode: no session → the sign-in form; a good token → the chat, and
// the socket is retried at once instead of waiting out its backoff.
import { act, fireEvent, screen } from '@testing-library/react';
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

describe('Layout', () => {
  it('in open mode shows the chat straight away', async () => {
    renderApp(client);
    await tick();
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeInTheDocument();
  });

  it('in token mode asks for a token, rejects a bad one, and signs in with a good one', async () => {
    server.requireToken = 'secret-token';
    renderApp(client);
    await tick();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull();
    // The server refuses the socket too: 4401, then the client backs off.
    act(() => MockWebSocket.latest().serverClose(4401));
    await tick(1000);
    act(() => MockWebSocket.latest().serverClose(4401)); // now waiting 2 s

    const input = screen.getByLabelText('API token');
    fireEvent.change(input, { target: { value: 'wrong' } });
    fireEvent.submit(input.closest('form')!);
    await tick();
    expect(screen.getByRole('alert')).toHaveTextContent('That token is not valid.');

    const sockets = MockWebSocket.instances.length;
    fireEvent.change(input, { target: { value: 'secret-token' } });
    fireEvent.submit(input.closest('form')!);
    await tick();
    expect(server.requests.filter((r) => r.method === 'POST' && r.path === '/api/session').at(-1)!.body).toEqual({
      token: 'secret-token',
    });
    expect(screen.queryByRole('heading', { name: 'Sign in' })).toBeNull();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();
    expect(MockWebSocket.instances.length).toBe(sockets + 1);
  });

  it('links to the admin page for an admin only', async () => {
    const asUser = renderApp(client);
    await tick();
    expect(screen.queryByRole('link', { name: 'Admin' })).toBeNull();

    asUser.unmount();
    client.clear();
    server.role = 'admin';
    renderApp(client);
    await tick();
    expect(screen.getByRole('link', { name: 'Admin' })).toHaveAttribute('href', '/admin');
  });
});
