// useAutoscroll: keeps a scroll container at the bottom when its content grows, unless the
// reader has scrolled up.
import { useEffect, useRef } from 'react';

export function useAutoscroll<T extends HTMLElement>(dependency: unknown) {
  const ref = useRef<T>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 200;
    if (nearBottom || el.scrollTop === 0) el.scrollTop = el.scrollHeight;
  }, [dependency]);
  return ref;
}
