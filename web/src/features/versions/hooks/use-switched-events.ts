// useSwitchedEvents: a `conversation.switched` update (E12; the chosen path changed in some tab or
// client) refetches that conversation, unless its cached copy already ends at that leaf, so every
// tab shows the same path. A socket that was down catches up on `ready`, which refetches anyway.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isConversationSwitched, type ConversationDetail, type UpdateEvent } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';

export type SubscribeUpdates = (listener: (frame: UpdateEvent) => void) => () => void;

export function useSwitchedEvents(subscribe: SubscribeUpdates | undefined): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe?.(({ data }) => {
        if (!isConversationSwitched(data)) return;
        const key = conversationKeys.detail(data.conversation_id);
        const cached = queryClient.getQueryData<ConversationDetail>(key);
        if (cached?.leaf_id !== undefined && cached.leaf_id === data.leaf_id) return;
        void queryClient.invalidateQueries({ queryKey: key });
      }),
    [subscribe, queryClient],
  );
}
