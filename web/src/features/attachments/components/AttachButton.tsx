// AttachButton: "Attach" opens the file picker (a hidden <input type=file multiple>).
import { useRef } from 'react';

export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        hidden
        data-testid="attach-input"
        aria-label="Attach files"
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = ''; // the same file may be picked again
          if (files.length > 0) onFiles(files);
        }}
      />
      <button type="button" className="attach-button" onClick={() => input.current?.click()}>
        Attach
      </button>
    </>
  );
}
