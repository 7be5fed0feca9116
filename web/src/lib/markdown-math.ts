// Math in answers: marked extensions that take `$…$`, `\(…\)` (inline) and `$$…$$`, `\[…\]`
// (display) out of the markdown before emphasis or escapes can touch the TeX, and KaTeX's
// rendering of them, sanitized by its own DOMPurify instance that allows KaTeX's output (its
// spans with inline sizes, MathML, the SVG of stretchy symbols) and nothing active.
import DOMPurify from 'dompurify';
import type { TokenizerAndRendererExtension, Tokens } from 'marked';
import type { Katex } from './render-libs';

export interface MathToken extends Tokens.Generic {
  type: 'math' | 'mathBlock';
  raw: string;
  tex: string;
  display: boolean;
}

/** Renders one formula to safe HTML (KaTeX when loaded, else its source). */
export type MathRenderer = (tex: string, display: boolean, raw: string) => string;

// `$x$`: no space just inside the dollars and no digit right after the closing one, so prices
// ("$5 and $10") stay text, as in Pandoc; no backtick inside, so a later `$code$` span stays code.
const INLINE = [
  { re: /^\$\$(?!\$)([\s\S]+?)\$\$/, display: true },
  { re: /^\\\[([\s\S]+?)\\\]/, display: true },
  { re: /^\\\(([\s\S]+?)\\\)/, display: false },
  { re: /^\$(?![\s$])((?:\\[\s\S]|[^\\$\n`])+?)(?<!\s)\$(?!\d)/, display: false },
];
const BLOCK = [/^\$\$([\s\S]+?)\$\$[ \t]*(?:\n+|$)/, /^\\\[([\s\S]+?)\\\][ \t]*(?:\n+|$)/];

export function mathExtensions(render: MathRenderer): TokenizerAndRendererExtension[] {
  const renderer = (token: Tokens.Generic) => {
    const t = token as MathToken;
    const html = render(t.tex, t.display, t.raw);
    return token.type === 'mathBlock' ? `<div class="math-block">${html}</div>\n` : html;
  };
  return [
    {
      name: 'mathBlock',
      level: 'block',
      start: (src) => src.match(/^(?:\$\$|\\\[)/m)?.index,
      tokenizer(src) {
        for (const re of BLOCK) {
          const m = re.exec(src);
          if (m) return { type: 'mathBlock', raw: m[0], tex: m[1].trim(), display: true };
        }
        return undefined;
      },
      renderer,
    },
    {
      name: 'math',
      level: 'inline',
      start: (src) => {
        const i = src.search(/\$|\\\(|\\\[/);
        return i < 0 ? undefined : i;
      },
      tokenizer(src) {
        for (const { re, display } of INLINE) {
          const m = re.exec(src);
          if (m) return { type: 'math', raw: m[0], tex: m[1].trim(), display };
        }
        return undefined;
      },
      renderer,
    },
  ];
}

const purifier = DOMPurify(window);
// KaTeX writes sizes and positions as inline styles (allowed by the page's CSP); anything that
// could fetch or run something has no business there.
purifier.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'style' && /url\s*\(|expression|@import|javascript:|\\|<|behavior/i.test(data.attrValue)) {
    data.keepAttr = false;
  }
});

const KATEX_PURIFY = {
  USE_PROFILES: { html: true, mathMl: true, svg: true },
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: ['style', 'encoding', 'aria-hidden'],
  FORBID_TAGS: ['a', 'img', 'image', 'use', 'foreignObject', 'style', 'script', 'form', 'iframe', 'animate', 'set'],
  FORBID_ATTR: ['href', 'xlink:href', 'src', 'srcset', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};

/** KaTeX's HTML for a formula, sanitized; KaTeX's errors are shown in place (never thrown). */
export function renderKatex(katex: Katex, tex: string, display: boolean): string {
  const html = katex.renderToString(tex, {
    displayMode: display,
    throwOnError: false,
    trust: false, // no \href, \url, \includegraphics, \html… commands
    strict: 'ignore',
    output: 'htmlAndMathml',
    maxSize: 20,
    maxExpand: 500,
  });
  return purifier.sanitize(html, KATEX_PURIFY);
}
