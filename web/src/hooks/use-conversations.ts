// useConversations: the sidebar's data — the conversation list and its create/rename/delete
// mutations, each refreshing the cached conversations.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createConversation,
  deleteConversation,
  listConversations,
  renameConversation,
  type ApiError,
  type Conversation,
} from '../lib/api';
import { conversationKeys } from '../lib/query-keys';

export function useConversations() {
  const queryClient = useQueryClient();
  const list = useQuery<Conversation[], ApiError>({
    queryKey: conversationKeys.list(),
    queryFn: ({ signal }) => listConversations(signal),
  });
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
    conversations: list.data ?? [],
    isLoading: list.isLoading,
    error: list.error,
    createConversation: create.mutateAsync,
    renameConversation: rename.mutateAsync,
    deleteConversation: remove.mutateAsync,
    renameError: rename.error,
    deleteError: remove.error,
  };
}
