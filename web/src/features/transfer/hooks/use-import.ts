// useImport: reads a chosen file, says how many conversations it holds, sends it to
// POST /api/import and refreshes the list; the server imports all of it or nothing.
import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { importConversations, type ImportResult } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';

export type ImportStage =
  | { stage: 'idle' }
  | { stage: 'reading'; name: string }
  | { stage: 'sending'; name: string; count: number | null }
  | { stage: 'done'; result: ImportResult }
  | { stage: 'failed'; message: string };

/** How many conversations a Lanechat export or a ChatGPT conversations.json holds, if it parses. */
export function countConversations(text: string): number | null {
  try {
    const root: unknown = JSON.parse(text);
    if (Array.isArray(root)) return root.length;
    const list = (root as { conversations?: unknown } | null)?.conversations;
    return Array.isArray(list) ? list.length : null;
  } catch {
    return null;
  }
}

export function useImport() {
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<ImportStage>({ stage: 'idle' });
  const mutation = useMutation({
    mutationFn: async (file: File) => {
      setProgress({ stage: 'reading', name: file.name });
      const text = await file.text();
      setProgress({ stage: 'sending', name: file.name, count: countConversations(text) });
      return importConversations(text);
    },
    onSuccess: (result) => {
      setProgress({ stage: 'done', result });
      void queryClient.invalidateQueries({ queryKey: conversationKeys.all });
    },
    onError: (err) => setProgress({ stage: 'failed', message: err instanceof Error ? err.message : String(err) }),
  });
  return { progress, start: (file: File) => mutation.mutate(file), busy: mutation.isPending };
}
