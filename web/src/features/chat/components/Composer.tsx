// Composer: the message box (Enter sends, Shift+Enter adds a line) with the lane picker.
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Lane } from '../../../lib/api';

export interface ComposerProps {
  lanes: Lane[];
  lane: string | null;
  onLaneChange: (lane: string) => void;
  onSend: (content: string) => void;
}

export function Composer({ lanes, lane, onLaneChange, onSend }: ComposerProps) {
  const [text, setText] = useState('');

  const submit = () => {
    if (text.trim() === '') return;
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
        <button type="submit" className="send-button">
          Send
        </button>
      </div>
    </form>
  );
}
