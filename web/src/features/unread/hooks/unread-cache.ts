// The unread counts live in the cached conversation list and details (TanStack Query's cache):
// these write one conversation's count into every cached copy.
import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { ConversationDetail, ConversationPage } from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';

export function setUnreadCount(client: QueryClient, conversationId: string, unread: number): void {
  client.setQueryData<InfiniteData<ConversationPage>>(conversationKeys.list(), (data) =>
    data === undefined
      ? data
      : {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            conversations: page.conversations.map((c) =>
              c.id === conversationId ? { ...c, unread_count: unread } : c,
            ),
          })),
        },
  );
  client.setQueryData<ConversationDetail>(conversationKeys.detail(conversationId), (detail) =>
    detail === undefined ? detail : { ...detail, unread_count: unread },
  );
}

/** The unread answers over every loaded page of the list. */
export function totalUnread(data: InfiniteData<ConversationPage> | undefined): number {
  return (data?.pages ?? []).reduce(
    (sum, page) => sum + page.conversations.reduce((s, c) => s + (c.unread_count ?? 0), 0),
    0,
  );
}
