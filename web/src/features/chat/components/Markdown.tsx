// Markdown: renders an untrusted assistant answer as sanitized HTML (see lib/markdown.ts), one
// top-level block at a time: while an answer streams, only the block that changed is rendered
// again, so earlier code blocks keep their highlighting, selection and Copy state (no flicker).
import { memo, useMemo, useRef } from 'react';
import type { Token } from 'marked';
import { rendererNeeds, renderBlock, splitMarkdown } from '../../../lib/markdown';
import type { RenderLibs } from '../../../lib/render-libs';
import { useRenderLibs } from '../hooks/use-render-libs';
import { useCodeCopyButtons } from '../hooks/use-copy';

const Block = memo(
  function Block({ token, libs }: { token: Token; libs: RenderLibs }) {
    return <div className="md-block" dangerouslySetInnerHTML={{ __html: renderBlock(token, libs) }} />;
  },
  (before, after) => before.token.raw === after.token.raw && before.libs === after.libs,
);

export function Markdown({ content }: { content: string }) {
  const blocks = useMemo(() => splitMarkdown(content), [content]);
  const needs = useMemo(() => rendererNeeds(blocks), [blocks]);
  const libs = useRenderLibs(needs);
  const ref = useRef<HTMLDivElement>(null);
  useCodeCopyButtons(ref);
  return (
    <div className="markdown" ref={ref}>
      {blocks.map((token, i) => (
        <Block key={i} token={token} libs={libs} />
      ))}
    </div>
  );
}
