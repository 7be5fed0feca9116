// The one typed client for the Lanechat wire protocol (shared/spec/protocol.md): REST calls, the
// protocol's object and event types, the error type, WS_URL and pollForResult.

// ---------------------------------------------------------------------------------------------
// Types (field names exactly as on the wire)

export type TaskStatus = 'queued' | 'running' | 'completed' | 'failed';
export type MessageStatus = TaskStatus;

export interface LanechatFile {
  id: string;
  name: string;
  size: number;
  content_type: string;
  url: string;
  /** protocol.md E14: "image" (PNG, JPEG, WebP, GIF), "text", or "file"; absent from older servers. */
  kind?: 'text' | 'image' | 'file';
}

export interface Message {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  task_id: string | null;
  lane: string | null;
  model: string | null;
  cost_usd: number | null;
  files: LanechatFile[];
  error: string | null;
  created_at: string;
  /** The message this one follows in the conversation's tree (E12); null for the first. */
  parent_id?: string | null;
  /** Every message with the same parent and role, oldest first, itself included (E12). */
  sibling_ids?: string[];
  /**
   * The user stopped this answer; `content` holds what it had written until then (E13). Absent
   * from version-1 servers, where a failed answer with error "cancelled" is a stopped one.
   */
  stopped?: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
  total_cost_usd: number;
  /** Finished answers after the read marker (protocol.md E10); absent from servers without it. */
  unread_count?: number;
  /** The last message of the chosen path (E12); null when the conversation is empty. */
  leaf_id?: string | null;
  /** The lane a send without `lane` uses; null: the server's default (protocol.md E15). */
  lane?: string | null;
  /** Sent first to openai lanes and in a worker's claim; null: none (E15). */
  system_prompt?: string | null;
  /** The stored lane's name when the server no longer offers it (`lane` is then null; E15). */
  lane_unavailable?: string | null;
}

/** What PATCH /api/conversations/{id} changes (E15): the fields named; null clears lane and prompt. */
export interface ConversationChange {
  title?: string;
  lane?: string | null;
  system_prompt?: string | null;
}

/** The longest system prompt, in bytes of UTF-8 (E15). */
export const MAX_SYSTEM_PROMPT_BYTES = 8 * 1024;

export interface ConversationDetail extends Conversation {
  /** The newest page of messages (100 by default), oldest first; `message_count` is the total. */
  messages: Message[];
  /** Older messages exist: ask with `?before=<next_before>`. Absent from servers without pages. */
  has_more?: boolean;
  next_before?: string | null;
}

/** One page of GET /api/conversations, newest first, and the next page's cursor (null: the last). */
export interface ConversationPage {
  conversations: Conversation[];
  nextCursor: string | null;
}

/** One hit of GET /api/search (protocol.md E7): a message, or a title (`message_id` null). */
export interface SearchHit {
  conversation_id: string;
  conversation_title: string | null;
  message_id: string | null;
  role: 'user' | 'assistant' | null;
  at: string;
  /** Plain text, never HTML. */
  snippet: string;
  /** The matched words in `snippet`: [start, end) in UTF-16 code units. */
  highlights: [number, number][];
}

export interface SearchPage {
  results: SearchHit[];
  has_more: boolean;
  next_before: string | null;
}

export interface TaskResult {
  content: string;
  model: string;
  cost_usd: number;
  files: LanechatFile[];
}

export interface Task {
  task_id: string;
  status: TaskStatus;
  lane: string;
  conversation_id: string;
  message_id: string;
  created_at: string;
  updated_at: string;
  result: TaskResult | null;
  error: string | null;
}

export interface Lane {
  name: string;
  model: string;
  description: string;
  default: boolean;
}

export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  node_id: string;
  store: 'sqlite' | 'postgres';
  /** Single sign-on, when the server has it (docs/protocol.md E10): the sign-in page links to `start_url`. */
  oidc?: { provider: string; start_url: string };
}

/** The 202 answer of POST /api/conversations/{id}/messages (a lane may also answer at once). */
export interface SendMessageResponse {
  status: 'queued' | 'completed';
  task_id: string;
  message_id: string;
  /** The user message the answer follows (E12: a new one for a send or an edit). */
  user_message_id?: string;
  conversation_id: string;
  lane: string;
  result?: TaskResult | null;
}

/** `data` of an `update` event. Other `type` values may arrive and are ignored by clients. */
export interface TaskEventData {
  type: 'task.completed' | 'task.failed' | 'task.queued' | 'task.running' | 'task.cancelled' | string;
  task_id: string;
  conversation_id?: string;
  message_id?: string;
  lane?: string;
  result: TaskResult | null;
  error?: string | null;
  cancelled?: boolean;
  /** A cancelled task's answer as stored: the text it had written until it was stopped (E13). */
  content?: string;
}

export interface UpdateEvent {
  event: 'update';
  id?: number;
  data: TaskEventData;
}

export interface ReadyEvent {
  event: 'ready';
  data: { last_id: number };
}

export interface ResetEvent {
  event: 'reset';
  data: Record<string, never>;
}

export interface PingEvent {
  event: 'ping';
  data: Record<string, never>;
}

export interface ErrorEvent {
  event: 'error';
  data: { code: string; message: string; retry_after_ms?: number };
}

export interface ProgressEvent {
  event: 'progress';
  data: { task_id: string; message_id: string; delta: string; offset: number };
}

export type ServerFrame = UpdateEvent | ReadyEvent | ResetEvent | PingEvent | ErrorEvent | ProgressEvent;

export interface EventsPage {
  events: UpdateEvent[];
  last_id: number;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** A non-2xx answer (`error.code` from the body) or a network failure (`code` "network"). */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryAfterMs: number | null;

  constructor(code: string, message: string, status: number, retryAfterMs: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException
    ? err.name === 'AbortError'
    : typeof err === 'object' && err !== null && (err as { name?: string }).name === 'AbortError';
}

// ---------------------------------------------------------------------------------------------
// URLs

/** The socket URL for a page location: ws:// or wss:// after the page's scheme, same host, /ws. */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

const buildTimeWsUrl: string | undefined = import.meta.env.VITE_WS_URL;

/** Where the WebSocket lives; `VITE_WS_URL` at build time overrides the page-derived URL. */
export const WS_URL: string =
  buildTimeWsUrl && buildTimeWsUrl.length > 0
    ? buildTimeWsUrl
    : typeof window !== 'undefined'
      ? wsUrlFor(window.location)
      : 'ws://localhost/ws';

// ---------------------------------------------------------------------------------------------
// Requests

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** A JSON document already serialised (an uploaded file), sent as it is. */
  rawJson?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await requestWithHeaders<T>(path, options)).data;
}

/** {@link request}, with the answer's headers (a page's cursor comes in one). */
async function requestWithHeaders<T>(
  path: string,
  options: RequestOptions = {},
): Promise<{ data: T; headers: Headers }> {
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined || options.rawJson !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = options.rawJson ?? JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (isAbortError(err)) throw err;
    throw new ApiError('network', 'The server cannot be reached.', 0);
  }
  if (response.status === 204) return { data: undefined as T, headers: response.headers };
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    const retryAfter = response.headers.get('Retry-After');
    const retryAfterMs = retryAfter === null ? null : parseRetryAfter(retryAfter, Date.now());
    throw new ApiError(
      error?.code ?? 'http_' + response.status,
      error?.message ?? `The server answered ${response.status}.`,
      response.status,
      retryAfterMs,
    );
  }
  return { data: parsed as T, headers: response.headers };
}

const enc = encodeURIComponent;

export function getHealth(signal?: AbortSignal): Promise<Health> {
  return request<Health>('/api/health', { signal });
}

/** Signs out: ends this browser's session (DELETE /api/session, 204), whichever way it signed in. */
export function deleteSession(): Promise<void> {
  return request<void>('/api/session', { method: 'DELETE' });
}

export function listLanes(signal?: AbortSignal): Promise<Lane[]> {
  return request<Lane[]>('/api/lanes', { signal });
}

/** A page of the list: the first without `before`, else the one after that cursor (X-Next-Cursor). */
export async function listConversationPage(before?: string, signal?: AbortSignal): Promise<ConversationPage> {
  const path = before === undefined ? '/api/conversations' : `/api/conversations?before=${enc(before)}`;
  const { data, headers } = await requestWithHeaders<Conversation[]>(path, { signal });
  return { conversations: data, nextCursor: headers.get('X-Next-Cursor') };
}

/** The data of a `conversation.read` update (E8): a read marker moved in some tab. */
export interface ConversationReadData {
  type: 'conversation.read';
  conversation_id: string;
  unread_count: number;
}

/** `conversation.updated` (E15): a PATCH's result, pushed to every tab of the user. */
export interface ConversationUpdatedData {
  type: 'conversation.updated';
  conversation_id: string;
  title: string;
  lane: string | null;
  system_prompt: string | null;
  lane_unavailable: string | null;
  updated_at: string;
}

export function isConversationUpdated(data: unknown): data is ConversationUpdatedData {
  const d = data as Partial<ConversationUpdatedData> | null;
  return d?.type === 'conversation.updated' && typeof d.conversation_id === 'string' && typeof d.title === 'string';
}

export function isConversationRead(data: unknown): data is ConversationReadData {
  return (data as { type?: unknown } | null)?.type === 'conversation.read';
}

/** The data of a `conversation.switched` update (E12): the chosen path changed in some tab. */
export interface ConversationSwitchedData {
  type: 'conversation.switched';
  conversation_id: string;
  leaf_id: string | null;
}

export function isConversationSwitched(data: unknown): data is ConversationSwitchedData {
  return (data as { type?: unknown } | null)?.type === 'conversation.switched';
}

/** Marks a conversation read through `messageId` (or its newest message); answers the new count. */
export function markConversationRead(
  id: string,
  messageId?: string,
): Promise<{ conversation_id: string; unread_count: number }> {
  return request(`/api/conversations/${enc(id)}/read`, {
    method: 'POST',
    ...(messageId === undefined ? {} : { body: { message_id: messageId } }),
  });
}

/** Where the browser downloads an export (E9): one conversation, or all of them. */
export function exportUrl(format: 'json' | 'markdown', conversationId?: string): string {
  return conversationId === undefined
    ? `/api/export?format=${format}`
    : `/api/conversations/${enc(conversationId)}/export?format=${format}`;
}

/** What POST /api/import made (E9). */
export interface ImportResult {
  format: 'lanechat' | 'chatgpt';
  conversations: { id: string; title: string; message_count: number }[];
}

/** Imports a Lanechat export or ChatGPT's conversations.json, sent as it is. */
export function importConversations(fileText: string): Promise<ImportResult> {
  return request<ImportResult>('/api/import', { method: 'POST', rawJson: fileText });
}

/** Searches the user's messages and titles (words matched by prefix); `before` pages on. */
export function searchConversations(q: string, before?: string, signal?: AbortSignal): Promise<SearchPage> {
  const path = `/api/search?q=${enc(q)}` + (before === undefined ? '' : `&before=${enc(before)}`);
  return request<SearchPage>(path, { signal });
}

export function createConversation(title?: string): Promise<Conversation> {
  return request<Conversation>('/api/conversations', {
    method: 'POST',
    body: title === undefined ? {} : { title },
  });
}

export function getConversation(id: string, signal?: AbortSignal): Promise<ConversationDetail> {
  return request<ConversationDetail>(`/api/conversations/${enc(id)}`, { signal });
}

/** PATCH /api/conversations/{id} {"title"}: an addition to protocol v1 offered by this server. */
export function renameConversation(id: string, title: string): Promise<Conversation> {
  return request<Conversation>(`/api/conversations/${enc(id)}`, { method: 'PATCH', body: { title } });
}

/** PATCH /api/conversations/{id} with any of title, lane and system_prompt (E15). */
export function updateConversation(id: string, change: ConversationChange): Promise<Conversation> {
  return request<Conversation>(`/api/conversations/${enc(id)}`, { method: 'PATCH', body: change });
}

export function deleteConversation(id: string): Promise<void> {
  return request<void>(`/api/conversations/${enc(id)}`, { method: 'DELETE' });
}

export function sendMessage(
  conversationId: string,
  content: string,
  lane?: string,
  idempotencyKey?: string,
  attachments?: string[],
): Promise<SendMessageResponse> {
  const body: { content: string; lane?: string; attachments?: string[] } = { content };
  if (lane !== undefined) body.lane = lane;
  if (attachments !== undefined && attachments.length > 0) body.attachments = attachments;
  return request<SendMessageResponse>(`/api/conversations/${enc(conversationId)}/messages`, {
    method: 'POST',
    body,
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
  });
}

/**
 * `POST /api/uploads?name=…` with the file's bytes as the body (protocol.md E14): the stored,
 * unattached file, for a send's `attachments`. XMLHttpRequest rather than fetch, for the upload's
 * progress (`onProgress` gets 0…1); `signal` aborts it. Refusals reject with an ApiError.
 */
export function uploadFile(
  file: Blob & { name: string },
  onProgress?: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<LanechatFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?name=${enc(file.name)}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText.length > 0 ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (xhr.status === 201) {
        onProgress?.(1);
        resolve(parsed as LanechatFile);
        return;
      }
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      reject(
        new ApiError(
          error?.code ?? 'http_' + xhr.status,
          error?.message ?? `The server answered ${xhr.status}.`,
          xhr.status,
        ),
      );
    };
    xhr.onerror = () => reject(new ApiError('network', 'The server cannot be reached.', 0));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    if (signal) {
      if (signal.aborted) {
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
        return;
      }
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(file);
  });
}

/**
 * Regenerates an answer (E12): a new sibling of the assistant message `messageId` (or a new answer
 * under the user message `messageId`), on `lane` or the conversation's; it becomes the path's leaf.
 */
export function regenerateMessage(
  conversationId: string,
  messageId: string,
  lane?: string,
  idempotencyKey?: string,
): Promise<SendMessageResponse> {
  return request<SendMessageResponse>(
    `/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}/regenerate`,
    {
      method: 'POST',
      body: lane === undefined ? {} : { lane },
      headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    },
  );
}

/** Edits and resends the user message `messageId` (E12): a new sibling user message and its answer. */
export function editMessage(
  conversationId: string,
  messageId: string,
  content: string,
  lane?: string,
  idempotencyKey?: string,
): Promise<SendMessageResponse> {
  return request<SendMessageResponse>(`/api/conversations/${enc(conversationId)}/messages/${enc(messageId)}/edit`, {
    method: 'POST',
    body: lane === undefined ? { content } : { content, lane },
    headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
  });
}

/** Makes the path through `messageId` the chosen one (E12); answers the conversation read (first page). */
export function switchVersion(conversationId: string, messageId: string): Promise<ConversationDetail> {
  return request<ConversationDetail>(`/api/conversations/${enc(conversationId)}/switch`, {
    method: 'POST',
    body: { message_id: messageId },
  });
}

export function getTask(taskId: string, signal?: AbortSignal): Promise<Task> {
  return request<Task>(`/api/tasks/${enc(taskId)}`, { signal });
}

export function cancelTask(taskId: string): Promise<Task> {
  return request<Task>(`/api/tasks/${enc(taskId)}/cancel`, { method: 'POST' });
}

export function getEvents(after: number, waitS = 0, signal?: AbortSignal): Promise<EventsPage> {
  return request<EventsPage>(`/api/events?after=${after}&wait_s=${waitS}`, { signal });
}

export interface Session {
  user: string;
  auth: 'open' | 'token' | string;
  /** `admin` may open the admin page (issue 20); absent from older servers. */
  role?: 'admin' | 'user' | string;
}

/** Who the caller is; 401 `unauthenticated` in `token` mode without a session. */
export function getSession(signal?: AbortSignal): Promise<Session> {
  return request<Session>('/api/session', { signal });
}

/** Browser sign-in for `token` mode: exchanges an API token for a session cookie. */
export function createSession(token: string): Promise<Session> {
  return request<Session>('/api/session', { method: 'POST', body: { token } });
}

// ---------------------------------------------------------------------------------------------
// Usage, quotas and the admin API (docs/protocol.md, "Roles, usage and quotas")

/** A quota: messages a UTC day, US dollars a UTC month; null is no limit (or, for a user's own, the default). */
export interface Quota {
  messages_per_day: number | null;
  usd_per_month: number | null;
}

export interface UsageDay {
  day: string;
  messages: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

/** GET /api/usage: the caller's own usage and quota. */
export interface Usage {
  user: string;
  today: UsageDay;
  this_month: UsageDay;
  quota: Quota & { day_resets_at: string; month_resets_at: string };
  days: UsageDay[];
}

/** A row of GET /api/admin/users. `quota` is the one in force; `own_quota` the user's own. */
export interface AdminUser {
  name: string;
  kind: 'user' | 'worker' | string;
  role: 'admin' | 'user' | string;
  created_at: string;
  last_seen_at: string | null;
  revoked: boolean;
  sockets_open: number;
  messages_today: number;
  messages_this_month: number;
  cost_usd_this_month: number;
  quota: Quota;
  own_quota: Quota;
}

export interface NewUser {
  name: string;
  kind?: 'user' | 'worker';
  role?: 'user' | 'admin';
  lanes?: string[];
}

/** The 201 of POST /api/admin/users: the token is shown this once. */
export interface CreatedUser {
  name: string;
  kind: string;
  role: string;
  lanes: string[] | null;
  token: string;
}

export function getUsage(signal?: AbortSignal): Promise<Usage> {
  return request<Usage>('/api/usage', { signal });
}

export async function listAdminUsers(signal?: AbortSignal): Promise<AdminUser[]> {
  return (await request<{ users: AdminUser[] }>('/api/admin/users', { signal })).users;
}

export function createAdminUser(user: NewUser): Promise<CreatedUser> {
  return request<CreatedUser>('/api/admin/users', { method: 'POST', body: user });
}

export function revokeUser(name: string): Promise<{ name: string; revoked: boolean }> {
  return request(`/api/admin/users/${enc(name)}/revoke`, { method: 'POST' });
}

export function setUserQuota(name: string, quota: Quota): Promise<AdminUser> {
  return request<AdminUser>(`/api/admin/users/${enc(name)}/quota`, { method: 'PUT', body: quota });
}

// ---------------------------------------------------------------------------------------------
// Polling

export interface PollOptions {
  signal?: AbortSignal;
  /** Wait between polls (and before the first one), ms. */
  intervalMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Polling aborted', 'AbortError'));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DOMException('Polling aborted', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls GET /api/tasks/{id} until the task is `completed` or `failed` and resolves with it.
 * Network failures and 5xx answers are retried (the server may be restarting); other API errors
 * (e.g. 404 after the conversation was deleted) reject. Aborting the signal rejects with an
 * AbortError and leaves no timer or request behind.
 */
export async function pollForResult(taskId: string, options: PollOptions = {}): Promise<Task> {
  const interval = options.intervalMs ?? 1000;
  for (;;) {
    await sleep(interval, options.signal);
    try {
      const task = await getTask(taskId, options.signal);
      if (task.status === 'completed' || task.status === 'failed') return task;
    } catch (err) {
      if (isAbortError(err)) throw err;
      if (err instanceof ApiError && (err.code === 'network' || err.status >= 500 || err.status === 429)) continue;
      throw err;
    }
  }
}

/**
 * A `Retry-After` value in ms: delta-seconds or an HTTP date (relative to `nowMs`; one in the past
 * is 0); null for anything else. The same rules as the server and the Java client
 * (docs/client-vectors.json).
 */
export function parseRetryAfter(header: string, nowMs: number): number | null {
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
