// TransferMenu: the sidebar's "take your chats out or bring them in": export every conversation
// as JSON or Markdown (a download), import a Lanechat export or ChatGPT's conversations.json.
import { useRef } from 'react';
import { exportUrl } from '../../../lib/api';
import { useImport, type ImportStage } from '../hooks/use-import';

function conversations(n: number): string {
  return `${n.toLocaleString('en')} conversation${n === 1 ? '' : 's'}`;
}

function describe(p: ImportStage): string | null {
  switch (p.stage) {
    case 'idle':
      return null;
    case 'reading':
      return `Reading ${p.name}…`;
    case 'sending':
      return p.count === null ? `Importing ${p.name}…` : `Importing ${conversations(p.count)}…`;
    case 'done':
      return `Imported ${conversations(p.result.conversations.length)} (${p.result.format === 'chatgpt' ? 'ChatGPT' : 'Lanechat'} file).`;
    case 'failed':
      return p.message;
  }
}

export function TransferMenu() {
  const { progress, start, busy } = useImport();
  const input = useRef<HTMLInputElement>(null);
  const status = describe(progress);
  return (
    <div className="transfer-menu">
      <span>Export all:</span> <a href={exportUrl('json')}>JSON</a> · <a href={exportUrl('markdown')}>Markdown</a>
      <button type="button" className="link-button" disabled={busy} onClick={() => input.current?.click()}>
        Import…
      </button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        aria-label="Import conversations from a file"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) start(file);
          e.target.value = '';
        }}
      />
      {status && (
        <p
          className={progress.stage === 'failed' ? 'sidebar-error' : 'muted'}
          role="status"
          data-testid="import-status"
        >
          {status}
        </p>
      )}
    </div>
  );
}
