// useFocusMessage: a conversation opened from a search result (`?m=<message id>`) scrolls that
// message into view and marks it for a moment, once it has loaded.
import { useEffect, type RefObject } from 'react';
import { useSearchParams } from 'react-router';

const MARK_MS = 2_000;

/** `pathKey` (the path's leaf, E12): looks again when another path is shown, even of the same length. */
export function useFocusMessage(listRef: RefObject<HTMLElement | null>, messageCount: number, pathKey?: string | null) {
  const [params] = useSearchParams();
  const messageId = params.get('m');

  useEffect(() => {
    const list = listRef.current;
    if (!messageId || !list) return;
    const item = Array.from(list.querySelectorAll<HTMLElement>('[data-message-id]')).find(
      (el) => el.dataset.messageId === messageId,
    );
    if (!item) return;
    item.scrollIntoView?.({ block: 'center' });
    item.classList.add('focused');
    const timer = setTimeout(() => item.classList.remove('focused'), MARK_MS);
    return () => clearTimeout(timer);
  }, [listRef, messageId, messageCount, pathKey]);
}
