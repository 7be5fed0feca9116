// useRenderLibs: the renderers an answer needs (highlight.js for fenced code, KaTeX for math, as
// lib/markdown's rendererNeeds says), fetched on first need; the returned object changes once when
// one of them arrives.
import { useEffect, useState } from 'react';
import { loadHighlighter, loadKatex, loadedRenderLibs, type RenderLibs } from '../../../lib/render-libs';

export function useRenderLibs({ code: needsCode, math: needsMath }: { code: boolean; math: boolean }): RenderLibs {
  const [libs, setLibs] = useState<RenderLibs>(loadedRenderLibs);
  useEffect(() => {
    let live = true;
    const update = (next: RenderLibs) => {
      if (live) setLibs(next);
    };
    // A chunk that fails to load leaves the answer plain; it is asked for again by the next answer.
    const ignore = () => undefined;
    if (needsCode && !libs.hljs) loadHighlighter().then(update, ignore);
    if (needsMath && !libs.katex) loadKatex().then(update, ignore);
    return () => {
      live = false;
    };
  }, [needsCode, needsMath, libs]);
  return libs;
}
