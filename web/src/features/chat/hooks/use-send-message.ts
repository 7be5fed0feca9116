// useSendMessage: sending as a TanStack mutation. onMutate puts the user's message and the pending
// answer into the conversation's cached data; a failed send takes them out again (and says why);
// an accepted one gives them the server's ids and hands the answer to `onAccepted`.
import { useCallback, type RefObject } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  sendMessage as apiSendMessage,
  type ConversationDetail,
  type LanechatFile,
  type SendMessageResponse,
} from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { newId, optimisticPair, updateMessages, type CachedMessage } from './chat-messages';

export interface SendOptions {
  lane?: string;
  /** Send into this conversation instead of the hook's (e.g. one just created). */
  conversationId?: string;
  /** Uploaded files to attach (E14): sent by id, shown on the optimistic message. */
  attachments?: LanechatFile[];
}

interface SendVariables {
  conversationId: string;
  content: string;
  lane?: string;
  attachments?: LanechatFile[];
  /** The optimistic user message and pending answer. */
  ids: [string, string];
}

/** Changes the accepted answer in the cache (e.g. to an outcome already known). */
export type SetAnswer = (change: (m: CachedMessage) => CachedMessage) => void;

export function useSendMessage(
  current: RefObject<{ conversationId?: string | null }>,
  onAccepted: (response: SendMessageResponse, setAnswer: SetAnswer) => void,
) {
  const queryClient = useQueryClient();
  const edit = (conversationId: string, ids: string[], change: (m: CachedMessage) => CachedMessage | null) =>
    queryClient.setQueryData<ConversationDetail>(
      conversationKeys.detail(conversationId),
      (d) => d && updateMessages(d, ids, change),
    );

  const send = useMutation({
    mutationFn: (v: SendVariables) =>
      apiSendMessage(
        v.conversationId,
        v.content,
        v.lane,
        newId(),
        v.attachments?.map((f) => f.id),
      ),
    onMutate: async (v) => {
      const key = conversationKeys.detail(v.conversationId);
      await queryClient.cancelQueries({ queryKey: key });
      const pair = optimisticPair(v.content, v.lane ?? null, v.ids);
      if (v.attachments && v.attachments.length > 0) pair[0] = { ...pair[0], files: v.attachments };
      queryClient.setQueryData<ConversationDetail>(key, (d) => d && { ...d, messages: [...d.messages, ...pair] });
    },
    // Roll back: the two optimistic messages go; the error is shown instead.
    onError: (_error, v) => edit(v.conversationId, v.ids, () => null),
    onSuccess: (response, v) => {
      const taskId = response.task_id;
      edit(v.conversationId, v.ids, (m) =>
        m.role === 'user'
          ? { ...m, task_id: taskId }
          : { ...m, id: response.message_id, task_id: taskId, lane: response.lane },
      );
      onAccepted(response, (change) => edit(v.conversationId, [response.message_id], change));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: conversationKeys.all }),
  });

  const { mutateAsync } = send;
  const sendMessage = useCallback(
    async (content: string, options: SendOptions = {}): Promise<SendMessageResponse | null> => {
      const target = options.conversationId ?? current.current.conversationId;
      if (!target || content.trim() === '') return null;
      const ids: [string, string] = [`local-user-${newId()}`, `local-assistant-${newId()}`];
      return mutateAsync({
        conversationId: target,
        content,
        lane: options.lane,
        attachments: options.attachments,
        ids,
      }).catch(() => null);
    },
    [mutateAsync, current],
  );
  const sendError = send.error
    ? send.error instanceof ApiError
      ? send.error.code === 'quota_exceeded'
        ? `your quota is used up. ${send.error.message}`
        : send.error.message
      : 'The message could not be sent.'
    : null;
  return { sendMessage, sendError };
}
