// The protocol's client rules from docs/client-vectors.json, shared with the Java client's tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from './api';
import { backoffDelay } from './lanechat-socket';

interface Vectors {
  backoff: { random: number; waits_ms: number[] }[];
  retry_after: { header: string; now: string; ms: number | null }[];
}
const vectors = JSON.parse(readFileSync(resolve(process.cwd(), '../docs/client-vectors.json'), 'utf8')) as Vectors;

describe('docs/client-vectors.json', () => {
  it.each(vectors.backoff)('backoff with random $random', ({ random, waits_ms }) => {
    expect(waits_ms.map((_, attempt) => backoffDelay(attempt, () => random))).toEqual(waits_ms);
  });

  it.each(vectors.retry_after)('Retry-After "$header"', ({ header, now, ms }) => {
    expect(parseRetryAfter(header, Date.parse(now))).toBe(ms);
  });
});
