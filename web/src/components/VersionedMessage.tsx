// VersionedMessage: a message of the chosen path with its versions' tools (issue 18): on a user
// message "Edit" (an inline editor that resends it as a new version), on an answer "Regenerate"
// and its lane menu, and "‹ 2 / 3 ›" on either when it has siblings. Composes features/chat's
// MessageItem with features/versions; the page owns the actions (useVersions).
import { useState } from 'react';
import type { Lane } from '../lib/api';
import type { ChatMessage } from '../features/chat/hooks/chat-messages';
import { MessageItem } from '../features/chat/components/MessageItem';
import type { VersionActions } from '../features/versions/hooks/use-versions';
import { isPendingStatus, isUnconfirmed } from '../features/versions/hooks/versions';
import { VersionSwitch } from '../features/versions/components/VersionSwitch';
import { RegenerateControls } from '../features/versions/components/RegenerateControls';
import { EditButton } from '../features/versions/components/EditButton';
import { EditMessageForm } from '../features/versions/components/EditMessageForm';
import { MessageFiles } from '../features/attachments/components/MessageFiles';
import type { LanechatFile } from '../lib/api';

/** A user message's attachments (E14): thumbnails and chips. */
const renderFiles = (files: LanechatFile[]) => <MessageFiles files={files} />;

export interface VersionedMessageProps {
  message: ChatMessage;
  onStop?: (taskId: string) => Promise<void> | void;
  versions: VersionActions;
  lanes: Lane[];
  /** The lane an edited message is resent on: the one picked in the composer, else none (E15: the conversation's). */
  lane: string | null;
}

export function VersionedMessage({ message, onStop, versions, lanes, lane }: VersionedMessageProps) {
  const [editing, setEditing] = useState(false);
  const unconfirmed = message.local || isUnconfirmed(message.id);
  const busy = unconfirmed || versions.busyId !== null;
  const versionSwitch = (
    <VersionSwitch
      messageId={message.id}
      siblingIds={message.siblingIds}
      disabled={busy}
      onSwitch={(id) => void versions.switchTo(id)}
    />
  );
  if (message.role === 'user') {
    const editor = editing ? (
      <EditMessageForm
        initial={message.content}
        onCancel={() => setEditing(false)}
        onSave={(content) => {
          setEditing(false);
          void versions.edit(message.id, content, lane ?? undefined);
        }}
      />
    ) : undefined;
    const tools = editing ? undefined : (
      <>
        {versionSwitch}
        <EditButton disabled={busy} onEdit={() => setEditing(true)} />
      </>
    );
    return <MessageItem message={message} tools={tools} editor={editor} renderFiles={renderFiles} />;
  }
  const tools = (
    <>
      {versionSwitch}
      <RegenerateControls
        lanes={lanes}
        disabled={busy || isPendingStatus(message.status)}
        onRegenerate={(picked) => void versions.regenerate(message.id, picked ?? message.lane ?? undefined)}
      />
    </>
  );
  return <MessageItem message={message} onStop={onStop} tools={tools} />;
}
