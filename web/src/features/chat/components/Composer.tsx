// Composer: the message box (Enter sends, Shift+Enter adds a line) with the lane picker. The page
// may give it attachments (E14): their chips above the box, an Attach button beside Send, a paste
// handler, and `canSend` false while a file shows an error.
import { useState, type ClipboardEvent, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { Lane } from '../../../lib/api';

export interface ComposerProps {
  lanes: Lane[];
  lane: string | null;
  onLaneChange: (lane: string) => void;
  onSend: (content: string) => void;
  /** The attached files' chips, shown above the box. */
  attachments?: ReactNode;
  /** Shown before Send (the Attach button). */
  attachButton?: ReactNode;
  onPaste?: (e: ClipboardEvent<HTMLTextAreaElement>) => void;
  /** False holds the send back (a file could not be uploaded). */
  canSend?: boolean;
}

export function Composer({
  lanes,
  lane,
  onLaneChange,
  onSend,
  attachments,
  attachButton,
  onPaste,
  canSend = true,
}: ComposerProps) {
  const [text, setText] = useState('');

  const submit = () => {
    if (text.trim() === '' || !canSend) return;
    onSend(text);
    setText('');
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    submit();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      {attachments}
      <label className="sr-only" htmlFor="message-input">
        Message
      </label>
      <textarea
        id="message-input"
        data-shortcut-target="composer"
        value={text}
        rows={2}
        placeholder="Message (Enter to send, Shift+Enter for a new line)"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <div className="composer-controls">
        <label className="lane-label" htmlFor="lane-select">
          Lane
        </label>
        <select id="lane-select" value={lane ?? ''} onChange={(e) => onLaneChange(e.target.value)}>
          {lanes.length === 0 && <option value="">default</option>}
          {lanes.map((l) => (
            <option key={l.name} value={l.name} title={l.description}>
              {l.name} ({l.model})
            </option>
          ))}
        </select>
        {attachButton}
        <button type="submit" className="send-button" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}
