// useMarkRead: while a conversation with unread answers is on screen in a visible tab, tell the
// server it is read (POST …/read); the server pushes `conversation.read` to the other tabs.
import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { markConversationRead } from '../../../lib/api';
import { setUnreadCount } from './unread-cache';

function useVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const onChange = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

export function useMarkRead(conversationId: string | null, unreadCount: number): void {
  const queryClient = useQueryClient();
  const visible = useVisible();
  const { mutate, isPending } = useMutation({
    mutationFn: (id: string) => markConversationRead(id),
    onSuccess: (answer) => setUnreadCount(queryClient, answer.conversation_id, answer.unread_count),
  });
  useEffect(() => {
    if (conversationId !== null && unreadCount > 0 && visible && !isPending) mutate(conversationId);
  }, [conversationId, unreadCount, visible, isPending, mutate]);
}
