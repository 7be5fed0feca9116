// @vitest-environment node
// The versions' pure rules: the ‹ n / m › position, and the cached path after an accepted
// regenerate or edit (cut at the changed point, the new pending answer as its leaf).
import { describe, expect, it } from 'vitest';
import type { ConversationDetail, Message, SendMessageResponse } from '../../../lib/api';
import { isUnconfirmed, versionPosition, withEdited, withRegenerated } from './versions';

function msg(id: string, role: Message['role'], parent: string | null, siblings: string[] = [id]): Message {
  return {
    id,
    role,
    content: `text of ${id}`,
    status: 'completed',
    task_id: null,
    lane: 'demo',
    model: 'echo',
    cost_usd: 0.01,
    files: [],
    error: null,
    created_at: '2026-01-01T00:00:00Z',
    parent_id: parent,
    sibling_ids: siblings,
  };
}

// u1 → a1 → u2 → a2 (a2 has an older sibling a0).
function detail(): ConversationDetail {
  return {
    id: 'c1',
    title: 'T',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    message_count: 5,
    total_cost_usd: 0.03,
    leaf_id: 'a2',
    messages: [
      msg('u1', 'user', null),
      msg('a1', 'assistant', 'u1'),
      msg('u2', 'user', 'a1'),
      msg('a2', 'assistant', 'u2', ['a0', 'a2']),
    ],
  };
}

const accepted: SendMessageResponse = {
  status: 'queued',
  task_id: 't9',
  message_id: 'a9',
  user_message_id: 'u9',
  conversation_id: 'c1',
  lane: 'smart',
};

describe('versionPosition', () => {
  it('places a message among its siblings, 1-based, with its neighbours', () => {
    expect(versionPosition('b', ['a', 'b', 'c'])).toEqual({ index: 2, count: 3, previousId: 'a', nextId: 'c' });
    expect(versionPosition('a', ['a', 'b'])).toEqual({ index: 1, count: 2, previousId: null, nextId: 'b' });
    expect(versionPosition('b', ['a', 'b'])).toEqual({ index: 2, count: 2, previousId: 'a', nextId: null });
  });

  it('is null without siblings (nothing to switch) or when the list does not hold the message', () => {
    expect(versionPosition('a', ['a'])).toBeNull();
    expect(versionPosition('a', undefined)).toBeNull();
    expect(versionPosition('x', ['a', 'b'])).toBeNull();
  });
});

describe('withRegenerated', () => {
  it('replaces an answer with its new pending sibling, which becomes the leaf', () => {
    const next = withRegenerated(detail(), 'a2', accepted);
    expect(next.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a9']);
    const answer = next.messages[3]!;
    expect(answer).toMatchObject({
      role: 'assistant',
      status: 'queued',
      task_id: 't9',
      lane: 'smart',
      parent_id: 'u2',
    });
    expect(answer.sibling_ids).toEqual(['a0', 'a2', 'a9']);
    expect(next.leaf_id).toBe('a9');
    expect(next.message_count).toBe(6);
  });

  it('cuts the path after an earlier answer: what followed it stays on the old branch', () => {
    const next = withRegenerated(detail(), 'a1', accepted);
    expect(next.messages.map((m) => m.id)).toEqual(['u1', 'a9']);
    expect(next.messages[1]!.sibling_ids).toEqual(['a1', 'a9']);
  });

  it('gives a user message a new answer under it, a sibling of the one it had', () => {
    const next = withRegenerated(detail(), 'u2', accepted);
    expect(next.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u2', 'a9']);
    expect(next.messages[3]!.sibling_ids).toEqual(['a0', 'a2', 'a9']);
  });

  it('leaves a conversation that does not show the message as it is', () => {
    const d = detail();
    expect(withRegenerated(d, 'gone', accepted)).toBe(d);
  });
});

describe('withEdited', () => {
  it('puts the edited text as a new sibling user message and its pending answer in place of the rest', () => {
    const next = withEdited(detail(), 'u2', 'better question', accepted);
    expect(next.messages.map((m) => m.id)).toEqual(['u1', 'a1', 'u9', 'a9']);
    expect(next.messages[2]).toMatchObject({ role: 'user', content: 'better question', parent_id: 'a1' });
    expect(next.messages[2]!.sibling_ids).toEqual(['u2', 'u9']);
    expect(next.messages[3]).toMatchObject({ status: 'queued', parent_id: 'u9', sibling_ids: ['a9'] });
    expect(next.leaf_id).toBe('a9');
    expect(next.message_count).toBe(7);
  });

  it('edits the first message too (no parent)', () => {
    const next = withEdited(detail(), 'u1', 'again', accepted);
    expect(next.messages.map((m) => m.id)).toEqual(['u9', 'a9']);
    expect(next.messages[0]!.parent_id).toBeNull();
  });

  it('edits user messages only', () => {
    const d = detail();
    expect(withEdited(d, 'a1', 'no', accepted)).toBe(d);
  });
});

describe('isUnconfirmed', () => {
  it('knows a send’s optimistic ids', () => {
    expect(isUnconfirmed('local-user-1')).toBe(true);
    expect(isUnconfirmed('msg-1')).toBe(false);
  });
});
