// A tiny in-memory stand-in for the Lanechat HTTP API, installed as global fetch in tests. It
// records every request so tests can assert what was (and was not) called.
import type { ConversationDetail, Lane, Message, Task } from '../lib/api';

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
}

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

export class FakeServer {
  requests: RecordedRequest[] = [];
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

  fetch = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input.toString(), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    this.requests.push({ method, path: url.pathname + url.search, body });
    if (init.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    if (this.down) throw new TypeError('Failed to fetch');
    const path = url.pathname;
    let m: RegExpMatchArray | null;
    if (path === '/api/health') {
      return this.healthy
        ? json(200, { status: 'ok', version: 'test', node_id: 'n1', store: 'sqlite' })
        : json(503, { status: 'degraded', version: 'test', node_id: 'n1', store: 'sqlite' });
    }
    if (path === '/api/session' && method === 'POST') {
      if (this.requireToken !== null && body?.token !== this.requireToken) {
        return json(401, { error: { code: 'unauthenticated', message: 'That token is not valid.' } });
      }
      this.signedIn = true;
      return json(200, { user: 'ann', auth: this.requireToken ? 'token' : 'open' });
    }
    if (this.requireToken !== null && !this.signedIn) {
      return json(401, { error: { code: 'unauthenticated', message: 'Sign in first.' } });
    }
    if (path === '/api/session')
      return json(200, { user: 'ann', auth: this.requireToken ? 'token' : 'open', role: this.role });
    if (path === '/api/lanes') return json(200, this.lanes);
    if (path === '/api/conversations' && method === 'GET') {
      // Pages as the server gives them, in the order they were added; the cursor is an offset.
      const all = [...this.conversations.values()].map(({ messages: _m, ...c }) => c);
      const limit = Number(url.searchParams.get('limit') ?? this.listLimit);
      const from = Number(url.searchParams.get('before') ?? 0);
      const response = json(200, all.slice(from, from + limit));
      if (from + limit < all.length) response.headers.set('X-Next-Cursor', String(from + limit));
      return response;
    }
    if (path === '/api/conversations' && method === 'POST') {
      const conv = this.addConversation(body?.title ?? 'New conversation');
      const { messages: _m, ...c } = conv;
      return json(201, c);
    }
    if ((m = path.match(/^\/api\/conversations\/([^/]+)$/))) {
      const conv = this.conversations.get(decodeURIComponent(m[1]));
      if (!conv) return json(404, { error: { code: 'not_found', message: 'No such conversation.' } });
      if (method === 'DELETE') {
        this.conversations.delete(conv.id);
        return new Response(null, { status: 204 });
      }
      if (method === 'PATCH') {
        conv.title = body.title;
        const { messages: _m, ...c } = conv;
        return json(200, c);
      }
      return json(200, structuredClone(conv));
    }
    if ((m = path.match(/^\/api\/conversations\/([^/]+)\/messages$/)) && method === 'POST') {
      const conv = this.conversations.get(decodeURIComponent(m[1]));
      if (!conv) return json(404, { error: { code: 'not_found', message: 'No such conversation.' } });
      const taskId = this.nextId('task');
      const now = new Date(0).toISOString();
      const lane = body.lane ?? 'demo';
      const user: Message = {
        id: this.nextId('msg'),
        role: 'user',
        content: body.content,
        status: 'completed',
        task_id: taskId,
        lane,
        model: null,
        cost_usd: null,
        files: [],
        error: null,
        created_at: now,
      };
      const assistant: Message = {
        id: this.nextId('msg'),
        role: 'assistant',
        content: '',
        status: 'queued',
        task_id: taskId,
        lane,
        model: null,
        cost_usd: null,
        files: [],
        error: null,
        created_at: now,
      };
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
      return json(202, { status: 'queued', task_id: taskId, message_id: assistant.id, conversation_id: conv.id, lane });
    }
    if ((m = path.match(/^\/api\/tasks\/([^/]+)\/cancel$/)) && method === 'POST') {
      const task = this.tasks.get(decodeURIComponent(m[1]));
      if (!task) return json(404, { error: { code: 'not_found', message: 'No such task.' } });
      if (task.status === 'completed' || task.status === 'failed') {
        return json(409, { error: { code: 'conflict', message: 'The task has already ended.' } });
      }
      this.finishTask(task.task_id, { error: 'cancelled' });
      return json(200, structuredClone(task));
    }
    if ((m = path.match(/^\/api\/tasks\/([^/]+)$/))) {
      const task = this.tasks.get(decodeURIComponent(m[1]));
      if (!task) return json(404, { error: { code: 'not_found', message: 'No such task.' } });
      return json(200, structuredClone(task));
    }
    return json(404, { error: { code: 'not_found', message: 'Unknown path.' } });
  };
}
