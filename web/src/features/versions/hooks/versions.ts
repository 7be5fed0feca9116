// The versions' pure rules (E12): where a message stands among its siblings, and how an accepted
// regenerate or edit changes the cached path (cut at the changed point, the new pending answer as
// its leaf) until the server's read replaces it. No React, no I/O.
import type { ConversationDetail, Message, SendMessageResponse } from '../../../lib/api';

/** "‹ index / count ›" of a message with siblings; null when it has none (nothing to switch). */
export interface VersionPosition {
  /** 1-based. */
  index: number;
  count: number;
  previousId: string | null;
  nextId: string | null;
}

export function versionPosition(id: string, siblingIds: readonly string[] | undefined): VersionPosition | null {
  const ids = siblingIds ?? [id];
  const at = ids.indexOf(id);
  if (ids.length < 2 || at < 0) return null;
  return { index: at + 1, count: ids.length, previousId: ids[at - 1] ?? null, nextId: ids[at + 1] ?? null };
}

export function isPendingStatus(status: Message['status']): boolean {
  return status === 'queued' || status === 'running';
}

/** A message shown before the server confirmed it (a send's optimistic pair has `local-…` ids). */
export function isUnconfirmed(id: string): boolean {
  return id.startsWith('local-');
}

/** A random idempotency key. */
export function newKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

function pendingAnswer(response: SendMessageResponse, parentId: string | null, siblingIds: string[]): Message {
  return {
    id: response.message_id,
    role: 'assistant',
    content: '',
    status: 'queued',
    task_id: response.task_id,
    lane: response.lane,
    model: null,
    cost_usd: null,
    files: [],
    error: null,
    created_at: new Date().toISOString(),
    parent_id: parentId,
    sibling_ids: siblingIds,
  };
}

function withTail(detail: ConversationDetail, kept: Message[], added: Message[]): ConversationDetail {
  return {
    ...detail,
    messages: [...kept, ...added],
    message_count: detail.message_count + added.length,
    leaf_id: added[added.length - 1]?.id ?? detail.leaf_id,
  };
}

/**
 * The path after regenerating `messageId`: an answer gets a new sibling (the path keeps its user
 * message); a user message gets a new answer under it. The same object when the message is not shown.
 */
export function withRegenerated(
  detail: ConversationDetail,
  messageId: string,
  response: SendMessageResponse,
): ConversationDetail {
  const at = detail.messages.findIndex((m) => m.id === messageId);
  const target = detail.messages[at];
  if (!target) return detail;
  if (target.role === 'assistant') {
    const siblings = [...(target.sibling_ids ?? [target.id]), response.message_id];
    return withTail(detail, detail.messages.slice(0, at), [
      pendingAnswer(response, target.parent_id ?? null, siblings),
    ]);
  }
  const next = detail.messages[at + 1];
  const siblings = next?.role === 'assistant' ? [...(next.sibling_ids ?? [next.id])] : [];
  return withTail(detail, detail.messages.slice(0, at + 1), [
    pendingAnswer(response, target.id, [...siblings, response.message_id]),
  ]);
}

/**
 * The path after editing the user message `messageId` into `content`: a new sibling user message
 * and its pending answer replace everything from the edited point on.
 */
export function withEdited(
  detail: ConversationDetail,
  messageId: string,
  content: string,
  response: SendMessageResponse,
): ConversationDetail {
  const at = detail.messages.findIndex((m) => m.id === messageId);
  const target = detail.messages[at];
  if (!target || target.role !== 'user') return detail;
  const userId = response.user_message_id ?? `local-user-${response.task_id}`;
  const user: Message = {
    ...target,
    id: userId,
    content,
    task_id: response.task_id,
    files: [],
    created_at: new Date().toISOString(),
    sibling_ids: [...(target.sibling_ids ?? [target.id]), userId],
  };
  return withTail(detail, detail.messages.slice(0, at), [user, pendingAnswer(response, userId, [response.message_id])]);
}
