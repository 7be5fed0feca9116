// Tests for signing in with single sign-on and signing out, in the whole app against the fake
// server: the provider's button appears only when the server offers it; "Sign out" ends the
// session and brings the sign-in form back.
import { fireEvent, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import { FakeServer } from '../../../test/fake-server';
import { tick } from '../../../test/render';
import { renderApp } from '../../../test/app';
import { startFakeBackend, stopFakeBackend } from '../../../test/backend';

let server: FakeServer;
let client: QueryClient;

beforeEach(() => {
  ({ server, client } = startFakeBackend());
  server.requireToken = 'secret-token';
});

afterEach(() => stopFakeBackend(client));

describe('SignIn', () => {
  it('offers "Sign in with <provider>" when the server has single sign-on', async () => {
    server.oidcProvider = 'Keycloak';
    renderApp(client);
    await tick();
    const link = screen.getByRole('link', { name: 'Sign in with Keycloak' });
    expect(link).toHaveAttribute('href', '/api/auth/oidc/start');
    expect(screen.getByLabelText('API token')).toBeInTheDocument();
  });

  it('shows the token form alone without single sign-on', async () => {
    renderApp(client);
    await tick();
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull();
  });

  it('signs out back to the sign-in form', async () => {
    server.signedIn = true;
    renderApp(client);
    await tick();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    await tick();
    expect(server.requests.some((r) => r.method === 'DELETE' && r.path === '/api/session')).toBe(true);
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('has no "Sign out" in open mode', async () => {
    server.requireToken = null;
    renderApp(client);
    await tick();
    expect(screen.getByRole('textbox', { name: 'Message' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });
});
