// useSettingsEvents: a conversation changed in another tab or device (a PATCH: title, lane, system
// prompt; protocol.md E15) comes as a `conversation.updated` event; its fields are written into
// this tab's cached detail and list, as the tab that made the change wrote its own answer.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { isConversationUpdated, type UpdateEvent } from '../../../lib/api';
import { writeConversationFields } from './use-conversation-settings';

export type SubscribeUpdates = (listener: (frame: UpdateEvent) => void) => () => void;

export function useSettingsEvents(subscribe: SubscribeUpdates): void {
  const client = useQueryClient();
  useEffect(
    () =>
      subscribe(({ data }) => {
        if (!isConversationUpdated(data)) return;
        const { type: _type, conversation_id: id, ...fields } = data;
        writeConversationFields(client, id, fields);
      }),
    [subscribe, client],
  );
}
