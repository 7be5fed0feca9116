// useUnreadEvents: keeps the badges in step with the user's event stream: a `conversation.read`
// from any tab sets that conversation's count; an answer that finished anywhere refreshes the
// list so its new count (and order) shows.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isConversationRead, type UpdateEvent } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { setUnreadCount } from './unread-cache';

export type SubscribeUpdates = (listener: (frame: UpdateEvent) => void) => () => void;

export function useUnreadEvents(subscribe: SubscribeUpdates): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe(({ data }) => {
        if (isConversationRead(data)) {
          setUnreadCount(queryClient, data.conversation_id, data.unread_count);
        } else if (data.type === 'task.completed' || data.type === 'task.failed') {
          void queryClient.invalidateQueries({ queryKey: conversationKeys.list() });
        }
      }),
    [subscribe, queryClient],
  );
}
