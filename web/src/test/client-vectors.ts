// Reads docs/client-vectors.json: the protocol's client rules as test vectors, shared by the
// Vitest suites (lib/client-vectors.test.ts, features/chat/hooks/client-vectors.test.ts) and the
// Java client's tests, so both clients are held to one copy of the rules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TaskResult } from '../lib/api';

export interface OutcomeVector {
  name: string;
  frame: { event: string; id?: number; data: Record<string, unknown> };
  outcome: {
    status: 'completed' | 'failed';
    result: TaskResult | null;
    error: string | null;
    cancelled: boolean;
    /** A stopped answer's kept text (E13); otherwise the result's content, or "". */
    content?: string;
  } | null;
}

export type ProgressVectorStep =
  | {
      progress: { task_id: string; message_id: string; delta: string; offset: number };
      then: 'deliver' | 'gap' | 'ignore';
    }
  | { outcome: string };

export interface ProgressVector {
  name: string;
  steps: ProgressVectorStep[];
  final: Record<string, { text: string; broken: boolean } | null>;
}

export interface ClientVectors {
  backoff: { random: number; waits_ms: number[] }[];
  retry_after: { header: string; now: string; ms: number | null }[];
  task_outcome: OutcomeVector[];
  progress: ProgressVector[];
}

export const clientVectors = JSON.parse(
  readFileSync(resolve(process.cwd(), '../docs/client-vectors.json'), 'utf8'),
) as ClientVectors;
