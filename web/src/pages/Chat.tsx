// Chat page: one conversation (or a fresh one at "/"): messages, the composer, the lane picker,
// and an aria-live region announcing new answers. Uses the tab's shared socket from the context.
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useSocketUpdates, useWebSocketContext } from '../contexts/WebSocketContext';
import { useChat } from '../hooks/use-chat';
import { useConversations } from '../features/conversations/hooks/use-conversations';
import { useLanes } from '../features/lanes/hooks/use-lanes';
import { useAutoscroll } from '../hooks/use-autoscroll';
import { useFocusMessage } from '../hooks/use-focus-message';
import { useMarkRead } from '../features/unread/hooks/use-mark-read';
import { askForNotificationsOnce } from '../features/notifications/hooks/notification-prefs';
import { ExportLinks } from '../features/transfer/components/ExportLinks';
import { VersionedMessage } from '../components/VersionedMessage';
import { useVersions } from '../features/versions/hooks/use-versions';
import { useSwitchedEvents } from '../features/versions/hooks/use-switched-events';
import { useSwitchToHit } from '../features/versions/hooks/use-switch-to-hit';
import { ConversationSettings } from '../features/settings/components/ConversationSettings';
import { useLaneChoice } from '../features/settings/hooks/use-lane-choice';
import { useRememberLane } from '../features/settings/hooks/use-conversation-settings';
import { useSettingsEvents } from '../features/settings/hooks/use-settings-events';
import { Composer } from '../features/chat/components/Composer';
import { useAttachments } from '../features/attachments/hooks/use-attachments';
import { useFileDrop } from '../features/attachments/hooks/use-file-drop';
import { AttachButton } from '../features/attachments/components/AttachButton';
import { AttachmentChips } from '../features/attachments/components/AttachmentChips';
import { newId, optimisticPair, toChatMessage, type ChatMessage } from '../features/chat/hooks/chat-messages';

function titleFrom(content: string): string {
  const line = content.trim().split('\n')[0] ?? '';
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}

export function Chat() {
  const { conversationId } = useParams();
  const websocket = useWebSocketContext();
  const chat = useChat(websocket, conversationId ?? null);
  const { lanes, defaultLane } = useLanes();
  const { createConversation } = useConversations();
  const navigate = useNavigate();
  const [sendError, setSendError] = useState<string | null>(null);
  // A send from the start page: its message and pending answer, shown while the conversation is
  // created, as a send in a conversation shows them (then the send's own optimistic pair takes over).
  const [startDraft, setStartDraft] = useState<ChatMessage[] | null>(null);
  const messages = chat.messages.length === 0 && startDraft ? startDraft : chat.messages;
  const listRef = useAutoscroll<HTMLOListElement>(messages);
  useFocusMessage(listRef, messages.length, chat.conversation?.leaf_id);
  useMarkRead(conversationId ?? null, chat.conversation?.unread_count ?? 0);
  // The composer's lane defaults to the conversation's (E15); a send names a lane only when picked.
  const laneChoice = useLaneChoice(conversationId, chat.conversation?.lane, defaultLane);
  const rememberLane = useRememberLane();
  useSettingsEvents(useSocketUpdates()); // a change made in another tab shows here
  const selectedLane = laneChoice.lane;
  const attachments = useAttachments();
  const { dragging, dropHandlers, onPaste } = useFileDrop(attachments.add);
  const versions = useVersions(conversationId, chat.trackAnswer);
  useSwitchedEvents(websocket.subscribeUpdates);
  useSwitchToHit(conversationId, chat.conversation, versions.switchTo); // a search hit on another branch

  const onStop = async (taskId: string) => {
    try {
      await chat.stopTask(taskId);
    } catch (err) {
      setSendError(`The answer could not be stopped: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const onSend = async (content: string) => {
    setSendError(null);
    // The send waits for the files still uploading and takes them (E14).
    const files = await attachments.settle();
    if (files === null) {
      setSendError('Some files could not be uploaded: remove them (×) and send again.');
      return;
    }
    let target = conversationId;
    if (!target) {
      const ids: [string, string] = [`local-user-${newId()}`, `local-assistant-${newId()}`];
      const pair = optimisticPair(content, selectedLane, ids);
      pair[0] = { ...pair[0], files };
      setStartDraft(pair.map((m) => toChatMessage(m, undefined)));
      try {
        const conversation = await createConversation(titleFrom(content));
        target = conversation.id;
        navigate(`/c/${target}`);
      } catch (err) {
        setStartDraft(null);
        setSendError(err instanceof Error ? err.message : 'Could not start a conversation.');
        return;
      }
    }
    const named = laneChoice.picked;
    const sent = await chat.sendMessage(content, { lane: named, conversationId: target, attachments: files });
    if (sent && named !== undefined) rememberLane(target, named);
    // A refused send (e.g. images to a lane without vision) keeps the files for another try.
    if (sent) attachments.clear();
    setStartDraft(null);
    askForNotificationsOnce();
  };

  const notFound = chat.error?.code === 'not_found';
  return (
    <section className="chat" aria-label="Chat" data-dragging={dragging || undefined} {...dropHandlers}>
      <h1 className="chat-title">
        {chat.conversation?.title || (conversationId ? 'Conversation' : 'New conversation')}
      </h1>
      {conversationId && chat.conversation && <ExportLinks conversationId={conversationId} />}
      {conversationId && chat.conversation && (
        <ConversationSettings
          conversation={chat.conversation}
          lanes={lanes}
          defaultLane={defaultLane}
          onLaneSet={laneChoice.clear}
        />
      )}
      {notFound ? (
        <p className="notice" role="alert">
          This conversation does not exist (or was deleted).
        </p>
      ) : chat.error ? (
        <p className="notice" role="alert">
          The conversation could not be loaded: {chat.error.message}
        </p>
      ) : null}
      <ol className="messages" ref={listRef} aria-label="Messages" aria-busy={chat.isLoading}>
        {!chat.isLoading && messages.length === 0 && !notFound && (
          <li className="empty muted">Send a message to start.</li>
        )}
        {chat.conversation?.has_more && (
          <li className="older muted">
            Only the newest {chat.conversation.messages.length} of {chat.conversation.message_count} messages are shown.
          </li>
        )}
        {messages.map((m) => (
          <VersionedMessage
            key={m.id}
            message={m}
            onStop={onStop}
            versions={versions}
            lanes={lanes}
            lane={laneChoice.picked ?? null}
          />
        ))}
      </ol>
      <div className="sr-only" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {chat.announcement}
      </div>
      {versions.error && (
        <p className="notice" role="alert">
          {versions.error}
        </p>
      )}
      {(sendError ?? chat.sendError) && (
        <p className="notice" role="alert">
          {sendError ?? `The message could not be sent: ${chat.sendError}`}
        </p>
      )}
      {!notFound && (
        <Composer
          lanes={lanes}
          lane={selectedLane}
          onLaneChange={laneChoice.pick}
          onSend={onSend}
          attachments={<AttachmentChips items={attachments.items} onRemove={attachments.remove} />}
          attachButton={<AttachButton onFiles={attachments.add} />}
          onPaste={onPaste}
          canSend={!attachments.hasErrors}
        />
      )}
    </section>
  );
}

export default Chat;
