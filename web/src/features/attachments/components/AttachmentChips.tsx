// AttachmentChips: the composer's files: a thumbnail for an uploaded image, the name and size, the
// upload's progress, the server's refusal, and × to remove it.
import { formatSize } from '../../../lib/format';
import type { Attachment } from '../hooks/use-attachments';

export function AttachmentChips({ items, onRemove }: { items: Attachment[]; onRemove: (key: string) => void }) {
  if (items.length === 0) return null;
  return (
    <ul className="attachment-chips" aria-label="Attached files">
      {items.map((a) => (
        <li key={a.key} className={`attachment-chip ${a.status}`} data-status={a.status}>
          {a.file?.kind === 'image' && <img className="attachment-thumb" src={a.file.url} alt="" />}
          <span className="attachment-name">{a.name}</span> <span className="muted">({formatSize(a.size)})</span>
          {a.status === 'uploading' && (
            <progress className="attachment-progress" max={1} value={a.progress} aria-label={`Uploading ${a.name}`} />
          )}
          {a.status === 'error' && (
            <span className="attachment-error" role="alert">
              {a.error}
            </span>
          )}
          <button
            type="button"
            className="attachment-remove"
            aria-label={`Remove ${a.name}`}
            onClick={() => onRemove(a.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
