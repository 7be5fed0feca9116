// useVersions: regenerate, edit and resend, and the ‹ › switch (E12) as TanStack mutations on one
// conversation. An accepted regenerate or edit writes the new path (its pending answer as the
// leaf) into the conversation's cached data and hands the answer to `onAccepted`, which waits for
// it as for a send (socket or polling); a switch puts the read the server answers in the cache.
// A regenerate or edit settles by refetching the conversations, a switch the list alone.
import { useCallback, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  editMessage,
  regenerateMessage,
  switchVersion,
  type ConversationDetail,
  type SendMessageResponse,
} from '../../../lib/api';
import { conversationKeys } from '../../../lib/query-keys';
import { newKey, withEdited, withRegenerated } from './versions';

export interface VersionActions {
  /** A new answer for `messageId` (an answer: its sibling; a user message: one under it). */
  regenerate: (messageId: string, lane?: string) => Promise<void>;
  /** The user message `messageId` resent as `content`, as a new version of it. */
  edit: (messageId: string, content: string, lane?: string) => Promise<void>;
  /** Shows the path through `messageId` (another version of a message on the path). */
  switchTo: (messageId: string) => Promise<void>;
  /** The message a regenerate, edit or switch is under way for, or null. */
  busyId: string | null;
  /** Why the last action failed, or null. */
  error: string | null;
}

interface Target {
  conversationId: string;
  messageId: string;
}

function describe(what: string, error: unknown): string {
  const why = error instanceof ApiError ? error.message : 'something went wrong.';
  return `${what}: ${why}`;
}

export function useVersions(
  conversationId: string | null | undefined,
  onAccepted: (response: SendMessageResponse) => void,
): VersionActions {
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const change = (id: string, update: (d: ConversationDetail) => ConversationDetail) =>
    queryClient.setQueryData<ConversationDetail>(conversationKeys.detail(id), (d) => d && update(d));
  const begin = async (v: Target) => {
    setError(null);
    await queryClient.cancelQueries({ queryKey: conversationKeys.detail(v.conversationId) });
  };
  const settle = () => queryClient.invalidateQueries({ queryKey: conversationKeys.all });

  const regenerate = useMutation({
    mutationFn: (v: Target & { lane?: string }) => regenerateMessage(v.conversationId, v.messageId, v.lane, newKey()),
    onMutate: begin,
    onSuccess: (response, v) => {
      change(v.conversationId, (d) => withRegenerated(d, v.messageId, response));
      onAccepted(response);
    },
    onError: (e) => setError(describe('The answer could not be regenerated', e)),
    onSettled: settle,
  });

  const edit = useMutation({
    mutationFn: (v: Target & { content: string; lane?: string }) =>
      editMessage(v.conversationId, v.messageId, v.content, v.lane, newKey()),
    onMutate: begin,
    onSuccess: (response, v) => {
      change(v.conversationId, (d) => withEdited(d, v.messageId, v.content, response));
      onAccepted(response);
    },
    onError: (e) => setError(describe('The message could not be sent', e)),
    onSettled: settle,
  });

  const switchTo = useMutation({
    mutationFn: (v: Target) => switchVersion(v.conversationId, v.messageId),
    onMutate: begin,
    onSuccess: (detail, v) => {
      queryClient.setQueryData<ConversationDetail>(conversationKeys.detail(v.conversationId), detail);
    },
    onError: (e) => setError(describe('That version could not be shown', e)),
    // The list's copy (updated_at, counts) may have moved too; the detail is the answer's.
    onSettled: () => queryClient.invalidateQueries({ queryKey: conversationKeys.list() }),
  });

  const { mutateAsync: regenerateAsync } = regenerate;
  const { mutateAsync: editAsync } = edit;
  const { mutateAsync: switchAsync } = switchTo;
  // Failures are shown through `error`; the promise only says when the action is over.
  const doRegenerate = useCallback(
    async (messageId: string, lane?: string) => {
      if (conversationId) await regenerateAsync({ conversationId, messageId, lane }).catch(() => undefined);
    },
    [conversationId, regenerateAsync],
  );
  const doEdit = useCallback(
    async (messageId: string, content: string, lane?: string) => {
      if (conversationId) await editAsync({ conversationId, messageId, content, lane }).catch(() => undefined);
    },
    [conversationId, editAsync],
  );
  const doSwitch = useCallback(
    async (messageId: string) => {
      if (conversationId) await switchAsync({ conversationId, messageId }).catch(() => undefined);
    },
    [conversationId, switchAsync],
  );

  const busy = [regenerate, edit, switchTo].find((m) => m.isPending);
  return {
    regenerate: doRegenerate,
    edit: doEdit,
    switchTo: doSwitch,
    busyId: busy?.variables?.messageId ?? null,
    error,
  };
}
