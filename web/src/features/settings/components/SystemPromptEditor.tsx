// SystemPromptEditor: the small editor the header's "System prompt" button opens — a textarea, its
// size (characters, and bytes of UTF-8 against the 8 KiB limit), Save, Clear and Cancel.
import { useState } from 'react';
import { MAX_SYSTEM_PROMPT_BYTES } from '../../../lib/api';
import { promptSize } from '../hooks/system-prompt';

interface SystemPromptEditorProps {
  initial: string;
  saving: boolean;
  error: string | null;
  onSave: (text: string) => void;
  onClear: () => void;
  onCancel: () => void;
}

export function SystemPromptEditor({ initial, saving, error, onSave, onClear, onCancel }: SystemPromptEditorProps) {
  const [text, setText] = useState(initial);
  const size = promptSize(text);
  return (
    <form
      className="system-prompt-editor"
      aria-label="System prompt editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (!size.tooLong) onSave(text);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label htmlFor="system-prompt-text">System prompt</label>
      <textarea
        id="system-prompt-text"
        rows={5}
        value={text}
        autoFocus
        placeholder="Instructions sent first to the model with every answer of this conversation"
        onChange={(e) => setText(e.target.value)}
      />
      <p className={size.tooLong ? 'prompt-size notice' : 'prompt-size muted'} aria-live="polite">
        {size.chars} characters · {size.bytes} / {MAX_SYSTEM_PROMPT_BYTES} bytes
        {size.tooLong ? ' — too long' : ''}
      </p>
      {error && (
        <p className="notice" role="alert">
          {error}
        </p>
      )}
      <div className="system-prompt-actions">
        <button type="submit" disabled={saving || size.tooLong}>
          Save
        </button>
        <button type="button" disabled={saving || initial === ''} onClick={onClear}>
          Clear
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
