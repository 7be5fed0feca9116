// The admin page against a small in-memory admin API (MSW handlers): the users table with usage and quotas,
// creating a user (the token shown once), setting a quota, revoking, and a non-admin's 404.
import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import type { QueryClient } from '@tanstack/react-query';
import type { AdminUser } from '../../../lib/api';
import { mswServer } from '../../../test/msw';
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

/** The admin API in memory, as MSW handlers; `admin = false` answers every call the 404 of a path with no route. */
class FakeAdminApi {
  users: AdminUser[] = [];
  calls: Call[] = [];
  admin = true;

  private async record(request: Request): Promise<unknown> {
    const text = await request.text();
    const body = text ? JSON.parse(text) : undefined;
    this.calls.push({ method: request.method, path: new URL(request.url).pathname, body });
    return body;
  }

  handlers = [
    http.all('*/api/admin/*', async ({ request }) => {
      await this.record(request.clone());
      return this.admin ? undefined : notFound();
    }),
    http.get('*/api/admin/users', () => HttpResponse.json({ users: this.users })),
    http.post('*/api/admin/users', async ({ request }) => {
      const body = (await request.json()) as { name: string; kind?: string; role?: string };
      const made = row(body.name, { role: body.role ?? 'user', kind: body.kind ?? 'user' });
      this.users = [...this.users, made];
      return HttpResponse.json(
        { name: made.name, kind: made.kind, role: made.role, lanes: null, token: 'lc_secret_once' },
        { status: 201 },
      );
    }),
    http.put('*/api/admin/users/:name/quota', async ({ request, params }) => {
      const own = (await request.json()) as AdminUser['quota'];
      this.users = this.users.map((u) => (u.name === params.name ? { ...u, own_quota: own, quota: own } : u));
      return HttpResponse.json(this.users.find((u) => u.name === params.name));
    }),
    http.post('*/api/admin/users/:name/revoke', ({ params }) => {
      this.users = this.users.map((u) => (u.name === params.name ? { ...u, revoked: true } : u));
      return HttpResponse.json({ name: params.name, revoked: true });
    }),
  ];
}

function notFound() {
  return HttpResponse.json({ error: { code: 'not_found', message: 'Nothing here.' } }, { status: 404 });
}

let api: FakeAdminApi;
let client: QueryClient;

beforeEach(() => {
  api = new FakeAdminApi();
  mswServer.use(...api.handlers);
  client = newQueryClient();
});

afterEach(() => {
  client.clear();
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
