// The heavy renderers of answers — highlight.js (code) and KaTeX (math) — loaded on first need
// through dynamic imports, so each is its own chunk and the first page stays small. A renderer
// that is not loaded yet (or failed to load) leaves code plain and math as its TeX source.
import type { HLJSApi } from 'highlight.js';
import type katexModule from 'katex';

export type Katex = typeof katexModule;

/** What the markdown renderer can use right now; a new object each time one more has loaded. */
export interface RenderLibs {
  hljs?: HLJSApi;
  katex?: Katex;
}

// Module-level on purpose: a chunk is fetched once per page, whoever asks for it first.
let loaded: RenderLibs = {};
let hljsLoad: Promise<RenderLibs> | null = null;
let katexLoad: Promise<RenderLibs> | null = null;

export function loadedRenderLibs(): RenderLibs {
  return loaded;
}

export function loadHighlighter(): Promise<RenderLibs> {
  hljsLoad ??= import('highlight.js/lib/common').then(
    (m) => (loaded = { ...loaded, hljs: m.default }),
    (err: unknown) => {
      hljsLoad = null; // a later answer may try again (e.g. after a deploy replaced the chunk)
      throw err;
    },
  );
  return hljsLoad;
}

export function loadKatex(): Promise<RenderLibs> {
  katexLoad ??= import('./katex-chunk').then(
    (m) => (loaded = { ...loaded, katex: m.default }),
    (err: unknown) => {
      katexLoad = null;
      throw err;
    },
  );
  return katexLoad;
}
