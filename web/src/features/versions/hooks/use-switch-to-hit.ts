// useSwitchToHit: a conversation opened at a message (`?m=<id>`: a search hit, E7) that is on
// another branch than the chosen path is switched to the path through it (E12), once, so that the
// message shows. Only when the whole path is loaded (no older page): a message missing from a
// partial page may simply be older.
import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import type { ConversationDetail } from '../../../lib/api';

export function useSwitchToHit(
  conversationId: string | null | undefined,
  detail: ConversationDetail | undefined,
  switchTo: (messageId: string) => Promise<void>,
): void {
  const [params] = useSearchParams();
  const messageId = params.get('m');
  const tried = useRef<string | null>(null);
  useEffect(() => {
    if (!conversationId || !messageId || detail?.id !== conversationId) return;
    if (detail.has_more || detail.messages.some((m) => m.id === messageId)) return;
    const key = `${conversationId}/${messageId}`;
    if (tried.current === key) return;
    tried.current = key;
    void switchTo(messageId);
  }, [conversationId, messageId, detail, switchTo]);
}
