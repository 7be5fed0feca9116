// A tiny in-memory stand-in for the Lanechat HTTP API, served to the code under test through MSW
// (`handlers`, see src/test/msw.ts): the real `fetch` goes out and MSW answers from this state. It
// records every request so tests can assert what was (and was not) called.
import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw';
import type { ConversationDetail, Lane, Message, Task } from '../lib/api';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return HttpResponse.json(body as JsonBodyType, { status, headers });
}

function notFound(message: string): Response {
  return json(404, { error: { code: 'not_found', message } });
}

export class FakeServer {
  requests: RecordedRequest[] = [];
  /** Each request's headers (names in lower case), in the order of `requests`. */
  requestHeaders: Record<string, string>[] = [];
  conversations = new Map<string, ConversationDetail>();
  tasks = new Map<string, Task>();
  lanes: Lane[] = [
    { name: 'demo', model: 'demo', description: 'Echo lane', default: true },
    { name: 'smart', model: 'big-1', description: 'A bigger model', default: false },
  ];
  healthy = true;
  /** When set, the server is in token mode and wants this token before anything but health. */
  requireToken: string | null = null;
  /** The role GET /api/session reports (issue 20: `admin` shows the Admin link). */
  role: 'admin' | 'user' = 'user';
  signedIn = false;
  down = false;
  /** When set, GET /api/health offers single sign-on through this provider (protocol.md E10). */
  oidcProvider: string | null = null;
  /** The list's page size (the real server's default is 50). */
  listLimit = 50;
  private seq = 0;

  nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${this.seq}`;
  }

  addConversation(title = 'Test'): ConversationDetail {
    const id = this.nextId('conv');
    const now = new Date(0).toISOString();
    const conv: ConversationDetail = {
      id,
      title,
      created_at: now,
      updated_at: now,
      message_count: 0,
      total_cost_usd: 0,
      messages: [],
    };
    this.conversations.set(id, conv);
    return conv;
  }

  /**
   * A running task's text so far (E13), as the server keeps it: a read shows it in the pending
   * answer's content, and a cancel stores it as the stopped answer's content.
   */
  textSoFar = new Map<string, string>();

  /** Marks a task running with this text so far (what a read mid-stream shows). */
  streamTask(taskId: string, textSoFar: string): void {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error('unknown task ' + taskId);
    task.status = 'running';
    const msg = this.conversations.get(task.conversation_id)!.messages.find((m) => m.id === task.message_id)!;
    msg.status = 'running';
    this.textSoFar.set(taskId, textSoFar);
  }

  /** Ends a task the way the server would: task and assistant message updated. */
  finishTask(taskId: string, result: { content: string; model: string; cost_usd: number } | { error: string }): void {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error('unknown task ' + taskId);
    const conv = this.conversations.get(task.conversation_id)!;
    const msg = conv.messages.find((m) => m.id === task.message_id)!;
    if ('error' in result) {
      task.status = 'failed';
      task.error = result.error;
      msg.status = 'failed';
      msg.error = result.error;
      if (result.error === 'cancelled') {
        msg.content = this.textSoFar.get(taskId) ?? '';
        msg.stopped = true;
      }
    } else {
      task.status = 'completed';
      task.result = { ...result, files: [] };
      Object.assign(msg, {
        status: 'completed',
        content: result.content,
        model: result.model,
        cost_usd: result.cost_usd,
      });
    }
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  /** The API's routes as MSW handlers, in order: record, outage, health, session, auth, the rest. */
  readonly handlers: HttpHandler[] = [
    http.all('*', async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.clone().text();
      this.requests.push({
        method: request.method,
        path: url.pathname + url.search,
        body: text ? JSON.parse(text) : undefined,
      });
      this.requestHeaders.push(Object.fromEntries(request.headers.entries()));
      if (this.down) return HttpResponse.error(); // fetch rejects: "Failed to fetch"
      return undefined; // on to the routes
    }),
    http.get('*/api/health', () => {
      const oidc = this.oidcProvider
        ? { oidc: { provider: this.oidcProvider, start_url: '/api/auth/oidc/start' } }
        : {};
      return this.healthy
        ? json(200, { status: 'ok', version: 'test', node_id: 'n1', store: 'sqlite', ...oidc })
        : json(503, { status: 'degraded', version: 'test', node_id: 'n1', store: 'sqlite', ...oidc });
    }),
    http.delete('*/api/session', () => {
      this.signedIn = false;
      return new HttpResponse(null, { status: 204 });
    }),
    http.post('*/api/session', async ({ request }) => {
      const body = (await request.json()) as { token?: string } | null;
      if (this.requireToken !== null && body?.token !== this.requireToken) {
        return json(401, { error: { code: 'unauthenticated', message: 'That token is not valid.' } });
      }
      this.signedIn = true;
      return json(200, { user: 'ann', auth: this.requireToken ? 'token' : 'open' });
    }),
    http.all('*', () =>
      this.requireToken !== null && !this.signedIn
        ? json(401, { error: { code: 'unauthenticated', message: 'Sign in first.' } })
        : undefined,
    ),
    http.get('*/api/session', () =>
      json(200, { user: 'ann', auth: this.requireToken ? 'token' : 'open', role: this.role }),
    ),
    http.get('*/api/lanes', () => json(200, this.lanes)),
    http.get('*/api/conversations', ({ request }) => {
      // Pages as the server gives them, in the order they were added; the cursor is an offset.
      const params = new URL(request.url).searchParams;
      const all = [...this.conversations.values()].map(({ messages: _m, ...c }) => c);
      const limit = Number(params.get('limit') ?? this.listLimit);
      const from = Number(params.get('before') ?? 0);
      const next: Record<string, string> = from + limit < all.length ? { 'X-Next-Cursor': String(from + limit) } : {};
      return json(200, all.slice(from, from + limit), next);
    }),
    http.post('*/api/conversations', async ({ request }) => {
      const body = (await request.json()) as { title?: string } | null;
      const { messages: _m, ...c } = this.addConversation(body?.title ?? 'New conversation');
      return json(201, c);
    }),
    http.all('*/api/conversations/:id', async ({ request, params }) => {
      const conv = this.conversations.get(String(params.id));
      if (!conv) return notFound('No such conversation.');
      if (request.method === 'DELETE') {
        this.conversations.delete(conv.id);
        return new HttpResponse(null, { status: 204 });
      }
      if (request.method === 'PATCH') {
        // title, lane and system_prompt (protocol.md E15): the fields named change.
        const change = (await request.json()) as {
          title?: string;
          lane?: string | null;
          system_prompt?: string | null;
        };
        if (change.lane != null && !this.lanes.some((l) => l.name === change.lane)) {
          return json(400, { error: { code: 'invalid_request', message: `Unknown lane '${change.lane}'.` } });
        }
        if (change.title !== undefined) conv.title = change.title;
        if ('lane' in change) Object.assign(conv, { lane: change.lane ?? null, lane_unavailable: null });
        if ('system_prompt' in change) conv.system_prompt = change.system_prompt || null;
        const { messages: _m, ...c } = conv;
        return json(200, c);
      }
      return json(200, this.withTextSoFar(conv));
    }),
    http.post('*/api/conversations/:id/messages', async ({ request, params }) => {
      const conv = this.conversations.get(String(params.id));
      if (!conv) return notFound('No such conversation.');
      const body = (await request.json()) as { content: string; lane?: string };
      if (body.lane !== undefined) conv.lane = body.lane; // a lane named is remembered (E15)
      return json(202, this.addExchange(conv, body.content, body.lane ?? conv.lane ?? 'demo'));
    }),
    http.post('*/api/tasks/:id/cancel', ({ params }) => {
      const task = this.tasks.get(String(params.id));
      if (!task) return notFound('No such task.');
      if (task.status === 'completed' || task.status === 'failed') {
        return json(409, { error: { code: 'conflict', message: 'The task has already ended.' } });
      }
      this.finishTask(task.task_id, { error: 'cancelled' });
      return json(200, task);
    }),
    http.get('*/api/tasks/:id', ({ params }) => {
      const task = this.tasks.get(String(params.id));
      return task ? json(200, task) : notFound('No such task.');
    }),
    http.all('*', () => notFound('Unknown path.')),
  ];

  private withTextSoFar(conv: ConversationDetail): ConversationDetail {
    const messages = conv.messages.map((m) =>
      m.task_id && (m.status === 'queued' || m.status === 'running') && this.textSoFar.has(m.task_id)
        ? { ...m, content: this.textSoFar.get(m.task_id)! }
        : m,
    );
    return { ...conv, messages };
  }

  /**
   * A user message and its queued answer, as `POST …/messages` stores them (tests call it for a
   * send this page did not make: another tab's, or one that commits after the page's read).
   * Returns the 202 body.
   */
  addExchange(conv: ConversationDetail, content: string, lane: string) {
    const taskId = this.nextId('task');
    const now = new Date(0).toISOString();
    const base = { task_id: taskId, lane, model: null, cost_usd: null, files: [], error: null, created_at: now };
    const user: Message = { ...base, id: this.nextId('msg'), role: 'user', content, status: 'completed' };
    const assistant: Message = { ...base, id: this.nextId('msg'), role: 'assistant', content: '', status: 'queued' };
    conv.messages.push(user, assistant);
    this.tasks.set(taskId, {
      task_id: taskId,
      status: 'queued',
      lane,
      conversation_id: conv.id,
      message_id: assistant.id,
      created_at: now,
      updated_at: now,
      result: null,
      error: null,
    });
    return { status: 'queued', task_id: taskId, message_id: assistant.id, conversation_id: conv.id, lane };
  }
}
