// useConversationSettings: a conversation's lane and system prompt (protocol.md E15). The PATCH is
// a TanStack mutation whose answer is written into the cached detail and list (setQueryData), so
// the header, the composer's default and the sidebar show it at once, with no refetch.
import { useCallback } from 'react';
import { useMutation, useQueryClient, type InfiniteData, type QueryClient } from '@tanstack/react-query';
import {
  updateConversation,
  type ApiError,
  type Conversation,
  type ConversationChange,
  type ConversationDetail,
  type ConversationPage,
} from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';

type Fields = Partial<Omit<Conversation, 'id'>>;

/** Writes `fields` into every cached copy of the conversation `id` (its detail and the list's pages). */
export function writeConversationFields(client: QueryClient, id: string, fields: Fields): void {
  client.setQueryData<ConversationDetail>(conversationKeys.detail(id), (detail) =>
    detail === undefined ? detail : { ...detail, ...fields },
  );
  client.setQueryData<InfiniteData<ConversationPage>>(conversationKeys.list(), (data) =>
    data === undefined
      ? data
      : {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            conversations: page.conversations.map((c) => (c.id === id ? { ...c, ...fields } : c)),
          })),
        },
  );
}

/** The conversation's fields from a PATCH answer (a conversation without messages). */
function fieldsOf(c: Conversation): Fields {
  const { id: _id, ...fields } = c;
  return {
    ...fields,
    lane: c.lane ?? null,
    system_prompt: c.system_prompt ?? null,
    lane_unavailable: c.lane_unavailable ?? null,
  };
}

export function useConversationSettings(conversationId: string) {
  const client = useQueryClient();
  const mutation = useMutation<Conversation, ApiError, ConversationChange>({
    mutationFn: (change) => updateConversation(conversationId, change),
    onSuccess: (c) => writeConversationFields(client, c.id, fieldsOf(c)),
  });
  return {
    /** Sends the change; resolves with the conversation as changed (rejects with the ApiError). */
    update: mutation.mutateAsync,
    isSaving: mutation.isPending,
    error: mutation.error,
    resetError: mutation.reset,
  };
}

/**
 * What a send that named a lane leaves on the server (the conversation remembers it, E15), written
 * into the cache so the header shows it before the next refetch.
 */
export function useRememberLane() {
  const client = useQueryClient();
  return useCallback(
    (conversationId: string, lane: string) =>
      writeConversationFields(client, conversationId, { lane, lane_unavailable: null }),
    [client],
  );
}
