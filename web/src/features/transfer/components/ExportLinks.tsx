// ExportLinks: download one conversation as JSON or Markdown.
import { exportUrl } from '../../../lib/api';

export function ExportLinks({ conversationId }: { conversationId: string }) {
  return (
    <span className="export-links">
      Export: <a href={exportUrl('json', conversationId)}>JSON</a> ·{' '}
      <a href={exportUrl('markdown', conversationId)}>Markdown</a>
    </span>
  );
}
