// @vitest-environment node
// The protocol's client rules from docs/client-vectors.json, shared with the Java client's tests:
// backoff and Retry-After here; task outcomes and progress in features/chat/hooks.
import { describe, expect, it } from 'vitest';
import { clientVectors as vectors } from '../test/client-vectors';
import { parseRetryAfter } from './api';
import { backoffDelay } from './lanechat-socket';

describe('docs/client-vectors.json', () => {
  it.each(vectors.backoff)('backoff with random $random', ({ random, waits_ms }) => {
    expect(waits_ms.map((_, attempt) => backoffDelay(attempt, () => random))).toEqual(waits_ms);
  });

  it.each(vectors.retry_after)('Retry-After "$header"', ({ header, now, ms }) => {
    expect(parseRetryAfter(header, Date.parse(now))).toBe(ms);
  });
});
