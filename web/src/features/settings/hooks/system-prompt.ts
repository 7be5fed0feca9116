// The system prompt's size as the server counts it: bytes of UTF-8 (at most 8 KiB, E15).
import { MAX_SYSTEM_PROMPT_BYTES } from '../../../lib/api';

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

export function promptSize(text: string): { chars: number; bytes: number; tooLong: boolean } {
  const bytes = utf8Bytes(text);
  return { chars: [...text].length, bytes, tooLong: bytes > MAX_SYSTEM_PROMPT_BYTES };
}
