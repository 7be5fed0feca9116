// Markdown: renders an untrusted assistant answer as sanitized HTML (see lib/markdown.ts).
import { useMemo } from 'react';
import { renderMarkdown } from '../../../lib/markdown';

export function Markdown({ content }: { content: string }) {
  const html = useMemo(() => renderMarkdown(content), [content]);
  return <div className="markdown" dangerouslySetInnerHTML={{ __html: html }} />;
}
