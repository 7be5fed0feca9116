// Copying to the clipboard: useCopy for a React button (whole answers), useCodeCopyButtons for the
// Copy buttons inside rendered markdown (one delegated listener per answer, since those buttons are
// part of sanitized HTML, not React elements). Falls back to execCommand where the Clipboard API is
// missing (a page served over plain http on a LAN address is not a secure context).
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';

const FEEDBACK_MS = 1500;

export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser refused to copy.');
}

export type CopyState = 'idle' | 'copied' | 'failed';

export function useCopy(): { state: CopyState; copy: (text: string) => void } {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = useCallback((text: string) => {
    const show = (next: CopyState) => {
      setState(next);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setState('idle'), FEEDBACK_MS);
    };
    copyText(text).then(
      () => show('copied'),
      () => show('failed'),
    );
  }, []);
  return { state, copy };
}

export function useCodeCopyButtons(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const onClick = (event: MouseEvent) => {
      const button = (event.target as Element | null)?.closest?.('button[data-copy="code"]');
      if (!(button instanceof HTMLButtonElement) || !root.contains(button)) return;
      const code = button.closest('.code-block')?.querySelector('pre code')?.textContent ?? '';
      const show = (label: string) => {
        button.textContent = label;
        const t = setTimeout(() => {
          button.textContent = 'Copy';
          timers.delete(t);
        }, FEEDBACK_MS);
        timers.add(t);
      };
      copyText(code).then(
        () => show('Copied'),
        () => show('Copy failed'),
      );
    };
    root.addEventListener('click', onClick);
    return () => {
      root.removeEventListener('click', onClick);
      timers.forEach(clearTimeout);
    };
  }, [ref]);
}
