// EditMessageForm: a user message's text in an editor, resent as a new version with "Save & send"
// (or Enter; Shift+Enter adds a line) or left as it was with "Cancel" (or Escape), as the composer.
import { useState, type FormEvent, type KeyboardEvent } from 'react';

export interface EditMessageFormProps {
  initial: string;
  onSave: (content: string) => void;
  onCancel: () => void;
}

export function EditMessageForm({ initial, onSave, onCancel }: EditMessageFormProps) {
  const [text, setText] = useState(initial);
  const blank = text.trim() === '';
  const save = () => {
    if (!blank) onSave(text);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    save();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      save();
    }
  };
  return (
    <form className="edit-message bubble" onSubmit={onSubmit}>
      <textarea
        aria-label="Edited message"
        value={text}
        rows={Math.min(8, Math.max(2, text.split('\n').length))}
        autoFocus
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="edit-controls">
        <button type="button" className="tool-button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="send-button" disabled={blank}>
          Save &amp; send
        </button>
      </div>
    </form>
  );
}
