// useConversations: the sidebar's data — the conversation list (the newest page, and older pages on
// request) and its create/rename/delete mutations, each refreshing the cached conversations.
import { useMemo } from 'react';
import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import {
  createConversation,
  deleteConversation,
  listConversationPage,
  renameConversation,
  type ApiError,
  type Conversation,
  type ConversationPage,
} from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';

/**
 * The pages as one list, in the server's order (newest first). A conversation that changed while
 * the pages were read comes again on a later page in its new state: it keeps its first place with
 * the newest copy (the list is refetched from the first page on every change anyway).
 */
export function mergePages(pages: ConversationPage[] | undefined): Conversation[] {
  const byId = new Map<string, Conversation>();
  for (const page of pages ?? []) {
    for (const c of page.conversations) {
      const seen = byId.get(c.id);
      if (!seen || seen.updated_at <= c.updated_at) byId.set(c.id, c);
    }
  }
  return [...byId.values()];
}

export function useConversations() {
  const queryClient = useQueryClient();
  const list = useInfiniteQuery<
    ConversationPage,
    ApiError,
    InfiniteData<ConversationPage, string | undefined>,
    ReturnType<typeof conversationKeys.list>,
    string | undefined
  >({
    queryKey: conversationKeys.list(),
    queryFn: ({ signal, pageParam }) => listConversationPage(pageParam, signal),
    initialPageParam: undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const conversations = useMemo(() => mergePages(list.data?.pages), [list.data]);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: conversationKeys.all });

  const create = useMutation<Conversation, ApiError, string | undefined>({
    mutationFn: (title) => createConversation(title),
    onSuccess: invalidate,
  });
  const rename = useMutation<Conversation, ApiError, { id: string; title: string }>({
    mutationFn: ({ id, title }) => renameConversation(id, title),
    onSuccess: invalidate,
  });
  const remove = useMutation<void, ApiError, string>({
    mutationFn: (id) => deleteConversation(id),
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: conversationKeys.detail(id) });
      return invalidate();
    },
  });

  return {
    conversations,
    isLoading: list.isLoading,
    hasMore: list.hasNextPage,
    isLoadingMore: list.isFetchingNextPage,
    loadMore: () => void list.fetchNextPage(),
    error: list.error,
    createConversation: create.mutateAsync,
    renameConversation: rename.mutateAsync,
    deleteConversation: remove.mutateAsync,
    renameError: rename.error,
    deleteError: remove.error,
  };
}
