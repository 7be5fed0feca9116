// MessageFiles: a message's attachments: images as thumbnails, other files as chips; each
// downloads (the server always answers with Content-Disposition: attachment).
import { formatSize } from '../../../lib/format';
import type { LanechatFile } from '../../../lib/api';

function isImage(f: LanechatFile): boolean {
  return f.kind === 'image' || (f.kind === undefined && f.content_type.startsWith('image/'));
}

export function MessageFiles({ files }: { files: LanechatFile[] }) {
  if (files.length === 0) return null;
  return (
    <ul className="message-files" aria-label="Attachments">
      {files.map((f) =>
        isImage(f) ? (
          <li key={f.id} className="message-image">
            <a href={f.url} download={f.name} title={`${f.name} (${formatSize(f.size)})`}>
              <img className="message-thumb" src={f.url} alt={f.name} loading="lazy" />
            </a>
          </li>
        ) : (
          <li key={f.id} className="message-file">
            <a href={f.url} download={f.name}>
              {f.name}
            </a>{' '}
            <span className="muted">({formatSize(f.size)})</span>
          </li>
        ),
      )}
    </ul>
  );
}
