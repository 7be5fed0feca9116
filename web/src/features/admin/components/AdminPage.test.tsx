// The admin page against a small in-memory admin API: the users table with usage and quotas,
// creating a user (the token shown once), setting a quota, revoking, and a non-admin's 404.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueryClient } from '@tanstack/react-query';
import type { AdminUser } from '../../../lib/api';
import { newQueryClient, wrapperFor } from '../../../test/render';
import { AdminPage } from './AdminPage';

function row(name: string, extra: Partial<AdminUser> = {}): AdminUser {
  return {
    name,
    kind: 'user',
    role: 'user',
    created_at: '2026-12-01T10:00:00.000Z',
    last_seen_at: null,
    revoked: false,
    sockets_open: 0,
    messages_today: 0,
    messages_this_month: 0,
    cost_usd_this_month: 0,
    quota: { messages_per_day: null, usd_per_month: null },
    own_quota: { messages_per_day: null, usd_per_month: null },
    ...extra,
  };
}

interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** The admin API in memory; `admin = false` answers every call the 404 of a path with no route. */
class FakeAdminApi {
  users: AdminUser[] = [];
  calls: Call[] = [];
  admin = true;

  fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const path = String(input);
    const method = init?.method ?? 'GET';
    const body = init?.body ? JSON.parse(String(init.body)) : undefined;
    this.calls.push({ method, path, body });
    if (!this.admin) return json(404, { error: { code: 'not_found', message: 'Nothing here.' } });
    if (method === 'GET' && path === '/api/admin/users') return json(200, { users: this.users });
    if (method === 'POST' && path === '/api/admin/users') {
      const made = row(body.name, { role: body.role ?? 'user', kind: body.kind ?? 'user' });
      this.users = [...this.users, made];
      return json(201, { name: made.name, kind: made.kind, role: made.role, lanes: null, token: 'lc_secret_once' });
    }
    const quota = /^\/api\/admin\/users\/([^/]+)\/quota$/.exec(path);
    if (method === 'PUT' && quota) {
      const own = body as AdminUser['quota'];
      this.users = this.users.map((u) => (u.name === quota[1] ? { ...u, own_quota: own, quota: own } : u));
      return json(
        200,
        this.users.find((u) => u.name === quota[1]),
      );
    }
    const revoke = /^\/api\/admin\/users\/([^/]+)\/revoke$/.exec(path);
    if (method === 'POST' && revoke) {
      this.users = this.users.map((u) => (u.name === revoke[1] ? { ...u, revoked: true } : u));
      return json(200, { name: revoke[1], revoked: true });
    }
    return json(404, { error: { code: 'not_found', message: 'Nothing here.' } });
  };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

let api: FakeAdminApi;
let client: QueryClient;

beforeEach(() => {
  api = new FakeAdminApi();
  vi.stubGlobal('fetch', api.fetch);
  client = newQueryClient();
});

afterEach(() => {
  client.clear();
  vi.unstubAllGlobals();
});

function renderPage() {
  return render(<AdminPage />, { wrapper: wrapperFor(client) });
}

async function userRow(name: string): Promise<HTMLElement> {
  const header = await screen.findByRole('rowheader', { name });
  return header.closest('tr') as HTMLElement;
}

describe('AdminPage', () => {
  it('lists every user with its usage this month and its quota', async () => {
    api.users = [
      row('alice', {
        messages_today: 3,
        messages_this_month: 12,
        cost_usd_this_month: 1.5,
        sockets_open: 2,
        last_seen_at: '2026-12-01T21:05:00.000Z',
        quota: { messages_per_day: 20, usd_per_month: 5 },
      }),
      row('w1', { kind: 'worker' }),
    ];
    renderPage();
    const alice = within(await userRow('alice'));
    expect(alice.getByText('12')).toBeTruthy();
    expect(alice.getByText('$1.50')).toBeTruthy();
    expect(alice.getByText('2026-12-01 21:05 UTC')).toBeTruthy();
    expect(alice.getByText('20 messages a day, $5.00 a month')).toBeTruthy();
    const worker = within(await userRow('w1'));
    expect(worker.getByText('worker')).toBeTruthy();
    expect(worker.queryByRole('button', { name: 'Set quota of w1' })).toBeNull();
    expect(worker.getByText('no limit')).toBeTruthy();
  });

  it('creates a user and shows its token once', async () => {
    renderPage();
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'bea' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    expect((await screen.findByLabelText('Token for bea')).textContent).toBe('lc_secret_once');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'bea', kind: 'user', role: 'user' });
    await userRow('bea');
  });

  it('creates a worker token when the kind is Worker', async () => {
    renderPage();
    await screen.findByRole('table');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'w2' } });
    fireEvent.change(screen.getByLabelText('Kind'), { target: { value: 'worker' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create' }));
    await screen.findByLabelText('Token for w2');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'w2', kind: 'worker' });
  });

  it('sets a quota, an empty field meaning the default', async () => {
    api.users = [row('bea')];
    renderPage();
    fireEvent.click(within(await userRow('bea')).getByRole('button', { name: 'Set quota of bea' }));
    const form = screen.getByRole('form', { name: 'Quota of bea' });
    fireEvent.change(within(form).getByLabelText('Messages a day'), { target: { value: '5' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save quota' }));
    expect(await within(await userRow('bea')).findByText('5 messages a day')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PUT')).toEqual({
      method: 'PUT',
      path: '/api/admin/users/bea/quota',
      body: { messages_per_day: 5, usd_per_month: null },
    });
    expect(screen.queryByRole('form', { name: 'Quota of bea' })).toBeNull();
  });

  it('revokes a user', async () => {
    api.users = [row('carl')];
    renderPage();
    fireEvent.click(within(await userRow('carl')).getByRole('button', { name: 'Revoke carl' }));
    expect(await within(await userRow('carl')).findByText(/revoked/)).toBeTruthy();
    expect(api.calls.some((c) => c.method === 'POST' && c.path === '/api/admin/users/carl/revoke')).toBe(true);
  });

  it('tells a non-admin that the page is for admins only', async () => {
    api.admin = false;
    renderPage();
    expect((await screen.findByRole('alert')).textContent).toBe('This page is for admins only.');
    expect(screen.queryByRole('table')).toBeNull();
  });
});
