// The conversation tree of E12 for the fake API (src/test/fake-server.ts): messages with
// `parent_id`, a leaf per conversation, the read showing the chosen path with `sibling_ids`, and
// the regenerate, edit and switch routes as MSW handlers put in front of the FakeServer's
// (`mswServer.use(...tree.handlers)`). Tasks it queues live in the FakeServer, so
// `server.finishTask` ends them as it ends a send's.
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { ConversationDetail, Message } from '../lib/api';
import type { FakeServer } from './fake-server';

function error(status: number, code: string, message: string): Response {
  return HttpResponse.json({ error: { code, message } }, { status });
}

export class FakeTree {
  /** Every message ever made, by id (the path's ones are the same objects as in `conv.messages`). */
  readonly all = new Map<string, Message>();
  readonly leaves = new Map<string, string | null>();
  /** The body of each tree request, with its route: `regenerate`, `edit` or `switch`. */
  readonly calls: { route: string; messageId: string; body: unknown }[] = [];
  /** The Idempotency-Key of each of `calls` (null without one). */
  readonly keys: (string | null)[] = [];
  private readonly owner = new Map<string, string>();

  constructor(private readonly server: FakeServer) {}

  /** A conversation whose path is these turns: [question, answer] each, all completed. */
  seed(title: string, turns: [string, string][]): ConversationDetail {
    const conv = this.server.addConversation(title);
    let parent: string | null = null;
    for (const [question, answer] of turns) {
      const user = this.add(conv.id, 'user', question, parent, null);
      const reply = this.add(conv.id, 'assistant', answer, user.id, null);
      Object.assign(reply, { model: 'echo', cost_usd: 0.01, lane: 'demo' });
      parent = reply.id;
    }
    this.leaves.set(conv.id, parent);
    this.refresh(conv.id);
    return conv;
  }

  /** Adds a message under `parent` (not on the path until the leaf moves). */
  add(
    conversationId: string,
    role: Message['role'],
    content: string,
    parent: string | null,
    taskId: string | null,
    status: Message['status'] = 'completed',
  ): Message {
    const m: Message = {
      id: this.server.nextId('msg'),
      role,
      content,
      status,
      task_id: taskId,
      lane: 'demo',
      model: null,
      cost_usd: null,
      files: [],
      error: null,
      created_at: new Date(0).toISOString(),
      parent_id: parent,
      sibling_ids: [],
    };
    this.all.set(m.id, m);
    this.owner.set(m.id, conversationId);
    return m;
  }

  /** Ends a task it queued with this answer, on the path or not. */
  finish(taskId: string, content: string): void {
    const task = this.server.tasks.get(taskId)!;
    task.status = 'completed';
    task.result = { content, model: 'echo', cost_usd: 0.01, files: [] };
    Object.assign(this.all.get(task.message_id)!, { status: 'completed', content, model: 'echo', cost_usd: 0.01 });
  }

  private children(conversationId: string, parent: string | null): Message[] {
    return [...this.all.values()].filter((m) => this.owner.get(m.id) === conversationId && m.parent_id === parent);
  }

  /** Writes the chosen path (root → leaf) and each one's siblings into the conversation's read. */
  refresh(conversationId: string): void {
    const conv = this.server.conversations.get(conversationId)!;
    const path: Message[] = [];
    for (let id = this.leaves.get(conversationId) ?? null; id !== null;) {
      const m = this.all.get(id)!;
      path.unshift(m);
      id = m.parent_id ?? null;
    }
    for (const m of path) {
      m.sibling_ids = this.children(conversationId, m.parent_id ?? null)
        .filter((s) => s.role === m.role)
        .map((s) => s.id);
    }
    conv.messages = path;
    conv.leaf_id = this.leaves.get(conversationId) ?? null;
    conv.message_count = [...this.owner.values()].filter((c) => c === conversationId).length;
  }

  /** The path through `messageId`, continued by the newest child at each step. */
  switchTo(conversationId: string, messageId: string): void {
    let leaf = messageId;
    for (;;) {
      const next = this.children(conversationId, leaf).at(-1);
      if (!next) break;
      leaf = next.id;
    }
    this.leaves.set(conversationId, leaf);
    this.refresh(conversationId);
  }

  private queue(conversationId: string, user: Message, lane: string) {
    const taskId = this.server.nextId('task');
    const answer = this.add(conversationId, 'assistant', '', user.id, taskId, 'queued');
    answer.lane = lane;
    const now = new Date(0).toISOString();
    this.server.tasks.set(taskId, {
      task_id: taskId,
      status: 'queued',
      lane,
      conversation_id: conversationId,
      message_id: answer.id,
      created_at: now,
      updated_at: now,
      result: null,
      error: null,
    });
    this.leaves.set(conversationId, answer.id);
    this.refresh(conversationId);
    const body = {
      status: 'queued',
      task_id: taskId,
      message_id: answer.id,
      user_message_id: user.id,
      conversation_id: conversationId,
      lane,
    };
    return HttpResponse.json(body, { status: 202 });
  }

  private target(conversationId: string, messageId: string): Message | Response {
    if (!this.server.conversations.has(conversationId)) return error(404, 'not_found', 'No such conversation.');
    const m = this.all.get(messageId);
    if (!m || this.owner.get(messageId) !== conversationId) return error(404, 'not_found', 'No such message.');
    return m;
  }

  readonly handlers: HttpHandler[] = [
    http.post('*/api/conversations/:id/messages/:mid/regenerate', async ({ request, params }) => {
      const body = (await request.json().catch(() => ({}))) as { lane?: string };
      const [cid, mid] = [String(params.id), String(params.mid)];
      this.calls.push({ route: 'regenerate', messageId: mid, body });
      this.keys.push(request.headers.get('Idempotency-Key'));
      const m = this.target(cid, mid);
      if (m instanceof Response) return m;
      const own = [...this.server.tasks.values()].find((t) => t.message_id === mid);
      if (own && (own.status === 'queued' || own.status === 'running'))
        return error(409, 'conflict', 'That answer is still being written.');
      const user = m.role === 'user' ? m : this.all.get(m.parent_id!)!;
      return this.queue(cid, user, body.lane ?? m.lane ?? 'demo');
    }),
    http.post('*/api/conversations/:id/messages/:mid/edit', async ({ request, params }) => {
      const body = (await request.json()) as { content: string; lane?: string };
      const [cid, mid] = [String(params.id), String(params.mid)];
      this.calls.push({ route: 'edit', messageId: mid, body });
      this.keys.push(request.headers.get('Idempotency-Key'));
      const m = this.target(cid, mid);
      if (m instanceof Response) return m;
      if (m.role !== 'user') return error(400, 'invalid_request', 'Only a user message can be edited.');
      const user = this.add(cid, 'user', body.content, m.parent_id ?? null, null);
      return this.queue(cid, user, body.lane ?? 'demo');
    }),
    http.post('*/api/conversations/:id/switch', async ({ request, params }) => {
      const body = (await request.json()) as { message_id: string };
      const cid = String(params.id);
      this.calls.push({ route: 'switch', messageId: body.message_id, body });
      this.keys.push(request.headers.get('Idempotency-Key'));
      const m = this.target(cid, body.message_id);
      if (m instanceof Response) return m;
      this.switchTo(cid, m.id);
      return HttpResponse.json(this.server.conversations.get(cid));
    }),
  ];
}
