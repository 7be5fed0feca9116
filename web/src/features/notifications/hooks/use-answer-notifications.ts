// useAnswerNotifications: an answer that finishes while this tab is hidden raises a desktop
// notification naming its conversation; clicking it focuses the tab and opens the conversation.
// One per conversation at a time (the tag replaces the last).
import { useEffect } from 'react';
import type { UpdateEvent } from '../../../lib/api';
import { notificationsEnabled, notificationsSupported } from './notification-prefs';

export type SubscribeUpdates = (listener: (frame: UpdateEvent) => void) => () => void;

export interface AnswerNotificationOptions {
  /** The title to show for a conversation (from the cached list), if known. */
  titleOf: (conversationId: string) => string | undefined;
  open: (conversationId: string) => void;
}

export function useAnswerNotifications(subscribe: SubscribeUpdates, options: AnswerNotificationOptions): void {
  const { titleOf, open } = options;
  useEffect(
    () =>
      subscribe(({ data }) => {
        if (data.type !== 'task.completed' && data.type !== 'task.failed') return;
        const conversationId = data.conversation_id;
        if (!conversationId) return;
        if (document.visibilityState !== 'hidden' || !notificationsSupported()) return;
        if (!notificationsEnabled() || Notification.permission !== 'granted') return;
        const failed = data.type === 'task.failed';
        const notification = new Notification(failed ? 'An answer failed' : 'Answer ready', {
          body: titleOf(conversationId) ?? 'Lanechat',
          tag: conversationId,
        });
        notification.onclick = () => {
          window.focus();
          open(conversationId);
          notification.close();
        };
      }),
    [subscribe, titleOf, open],
  );
}
