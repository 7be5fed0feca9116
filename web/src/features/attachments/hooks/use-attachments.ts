// useAttachments: the files of the message being written (protocol.md E14). Each file starts
// uploading the moment it is added (POST /api/uploads, with progress); a refusal stays on its chip
// with the server's words until removed. `settle` waits for the uploads still running and gives
// the uploaded files for the send, or null while a chip shows an error.
import { useCallback, useRef, useState } from 'react';
import { ApiError, isAbortError, uploadFile, type LanechatFile } from '../../../lib/api';

/** The most files of one message (the server refuses more). */
export const MAX_ATTACHMENTS = 8;

export interface Attachment {
  key: string;
  name: string;
  size: number;
  /** What the browser says the file is (for the chip before the server's answer). */
  type: string;
  status: 'uploading' | 'done' | 'error';
  /** 0…1 while uploading. */
  progress: number;
  error?: string;
  /** The stored upload once done. */
  file?: LanechatFile;
}

interface Upload {
  promise: Promise<LanechatFile | null>;
  abort: AbortController;
}

let counter = 0;

export function useAttachments() {
  const [items, setItems] = useState<Attachment[]>([]);
  const uploads = useRef(new Map<string, Upload>());

  const update = useCallback((key: string, change: Partial<Attachment>) => {
    setItems((list) => list.map((a) => (a.key === key ? { ...a, ...change } : a)));
  }, []);

  const add = useCallback(
    (files: File[]) => {
      const added: Attachment[] = [];
      for (const file of files) {
        counter += 1;
        const key = `attachment-${counter}`;
        const abort = new AbortController();
        const base = { key, name: file.name, size: file.size, type: file.type, progress: 0 };
        if (uploads.current.size >= MAX_ATTACHMENTS) {
          added.push({ ...base, status: 'error', error: `At most ${MAX_ATTACHMENTS} files per message.` });
          uploads.current.set(key, { promise: Promise.resolve(null), abort });
          continue;
        }
        added.push({ ...base, status: 'uploading' });
        const promise = uploadFile(file, (progress) => update(key, { progress }), abort.signal).then(
          (stored) => {
            update(key, { status: 'done', progress: 1, file: stored });
            return stored;
          },
          (err: unknown) => {
            if (!isAbortError(err)) {
              const message = err instanceof ApiError ? err.message : 'The file could not be uploaded.';
              update(key, { status: 'error', error: message });
            }
            return null;
          },
        );
        uploads.current.set(key, { promise, abort });
      }
      if (added.length > 0) setItems((list) => [...list, ...added]);
    },
    [update],
  );

  const remove = useCallback((key: string) => {
    uploads.current.get(key)?.abort.abort();
    uploads.current.delete(key);
    setItems((list) => list.filter((a) => a.key !== key));
  }, []);

  /** Empties the list (after a send took the files). */
  const clear = useCallback(() => {
    uploads.current.clear();
    setItems([]);
  }, []);

  /** Waits for every upload; the uploaded files in order, or null when one failed. */
  const settle = useCallback(async (): Promise<LanechatFile[] | null> => {
    const results = await Promise.all([...uploads.current.values()].map((u) => u.promise));
    return results.every((r) => r !== null) ? (results as LanechatFile[]) : null;
  }, []);

  const hasErrors = items.some((a) => a.status === 'error');
  return { items, add, remove, clear, settle, hasErrors };
}
