// @vitest-environment node
// The chat's pure rules for stopped answers and text so far (protocol.md E13).
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../lib/api';
import { outcomeFromEvent, outcomeFromMessage, pendingText, toChatMessage } from './chat-messages';

const answer: Message = {
  id: 'm1',
  role: 'assistant',
  content: '',
  status: 'running',
  task_id: 't1',
  lane: 'demo',
  model: null,
  cost_usd: null,
  files: [],
  error: null,
  created_at: '2026-12-02T00:00:00.000000Z',
};

describe('stopped answers', () => {
  it('a cancelled event carries the text kept; a failure shows none', () => {
    const base = { task_id: 't1', result: null, error: 'cancelled' };
    expect(outcomeFromEvent({ ...base, type: 'task.failed', cancelled: true, content: 'so far' })).toMatchObject({
      status: 'failed',
      cancelled: true,
      content: 'so far',
    });
    expect(outcomeFromEvent({ ...base, type: 'task.failed', cancelled: true })).toMatchObject({ content: '' });
    expect(outcomeFromEvent({ ...base, type: 'task.failed', error: 'timeout', content: 'not shown' })).toMatchObject({
      cancelled: false,
      content: '',
    });
  });

  it('a stored stopped answer keeps its content; stopped marks it even with another error', () => {
    const stopped = { ...answer, status: 'failed' as const, error: 'cancelled', content: 'half', stopped: true };
    expect(outcomeFromMessage(stopped, 'c1')).toMatchObject({ cancelled: true, content: 'half' });
    expect(toChatMessage(stopped, undefined)).toMatchObject({ cancelled: true, content: 'half' });
    expect(toChatMessage({ ...stopped, error: 'stopped by its owner' }, undefined).cancelled).toBe(true);
    const failed = { ...answer, status: 'failed' as const, error: 'timeout', stopped: false };
    expect(toChatMessage(failed, undefined).cancelled).toBe(false);
  });
});

describe('pending text', () => {
  it('shows the read text until the stream has more, and the stream once it does', () => {
    expect(pendingText(undefined, '')).toBeUndefined();
    expect(pendingText(undefined, 'Hello')).toBe('Hello');
    expect(pendingText('Hel', 'Hello')).toBe('Hello');
    expect(pendingText('Hello world', 'Hello')).toBe('Hello world');
    expect(pendingText('Other', 'Hello')).toBe('Other'); // a retry streams from the start again
  });

  it('a running answer with text so far shows it as its partial text', () => {
    expect(toChatMessage({ ...answer, content: 'so far' }, undefined).partial).toBe('so far');
    expect(toChatMessage({ ...answer, content: 'so far' }, 'so far and more').partial).toBe('so far and more');
    expect(toChatMessage(answer, undefined).partial).toBeUndefined();
  });
});
