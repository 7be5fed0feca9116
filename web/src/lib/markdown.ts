// Markdown → safe HTML for untrusted assistant answers. marked renders (raw HTML in the answer is
// shown as text, not interpreted), then DOMPurify removes anything active that is left (scripts,
// event handlers, javascript: URLs, forms, frames) as a second line of defence.
//
// Code blocks and formulas are rendered apart, as "fragments": highlight.js output sanitized to
// bare spans, KaTeX output sanitized by its own allow-list (markdown-math.ts). The strict pass sees
// only a placeholder for each; the fragments are put in as nodes afterwards, in text positions only.
//
// Answers are split into top-level blocks (splitMarkdown) so that a streaming answer re-renders only
// its last block; highlighting is cached per (language, code) and applied to closed fences only.
import { Marked, type Token, type Tokens } from 'marked';
import DOMPurify from 'dompurify';
import { mathExtensions, renderKatex } from './markdown-math';
import type { RenderLibs } from './render-libs';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** What one render call collects; set while marked's (synchronous) parser runs. */
interface RenderContext {
  libs: RenderLibs;
  nonce: string;
  fragments: string[];
}
let context: RenderContext | null = null;

function fragment(html: string): string {
  const ctx = context!;
  ctx.fragments.push(html);
  return `\uE000${ctx.nonce}:${ctx.fragments.length - 1}\uE001`;
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  extensions: mathExtensions((tex, display, raw) => {
    const katex = context?.libs.katex;
    if (!katex) return `<code class="math-source">${escapeHtml(raw)}</code>`;
    return fragment(renderKatex(katex, tex, display));
  }),
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    code(token) {
      return fragment(codeBlock(token, context?.libs ?? {}));
    },
  },
});

/** A fence is closed once its closing ``` (or ~~~) has arrived; an indented block always is. */
export function isClosedCode(token: Tokens.Code): boolean {
  if (token.codeBlockStyle === 'indented') return true;
  const open = /^ {0,3}(`{3,}|~{3,})/.exec(token.raw)?.[1];
  if (!open) return true;
  const lines = token.raw.replace(/\n+$/, '').split('\n');
  if (lines.length < 2) return false;
  const last = lines[lines.length - 1].trim();
  return last.length >= open.length && last === open[0].repeat(last.length);
}

const HIGHLIGHT_CACHE_SIZE = 200;
// Module-level on purpose: the same block is rendered again by every delta of a streaming answer,
// by the final answer and after every refetch; highlighting it once is the point.
const highlightCache = new Map<string, string>();

function highlighted(libs: RenderLibs, language: string, code: string): string | null {
  const hljs = libs.hljs;
  if (!hljs || !language || !hljs.getLanguage(language)) return null;
  const key = `${language}\u0000${code}`;
  const hit = highlightCache.get(key);
  if (hit !== undefined) return hit;
  const html = DOMPurify.sanitize(hljs.highlight(code, { language, ignoreIllegals: true }).value, {
    ALLOWED_TAGS: ['span'],
    ALLOWED_ATTR: ['class'],
  });
  if (highlightCache.size >= HIGHLIGHT_CACHE_SIZE) highlightCache.delete(highlightCache.keys().next().value!);
  highlightCache.set(key, html);
  return html;
}

function codeBlock(token: Tokens.Code, libs: RenderLibs): string {
  const named = (token.lang ?? '').trim().split(/\s+/)[0] ?? '';
  const language = /^[\w#+.-]{1,32}$/.test(named) ? named.toLowerCase() : '';
  const code = token.text;
  const body = (isClosedCode(token) ? highlighted(libs, language, code) : null) ?? escapeHtml(code);
  const cls = language ? ` class="hljs language-${escapeHtml(language)}"` : ' class="hljs"';
  return (
    `<div class="code-block"><div class="code-header"><span class="code-lang">${escapeHtml(named || 'text')}</span>` +
    `<button type="button" class="copy-button" data-copy="code" aria-label="Copy code">Copy</button></div>` +
    `<pre><code${cls}>${body}</code></pre></div>`
  );
}

let hooked = false;

function ensureHooks(): void {
  if (hooked) return;
  hooked = true;
  // Links in answers open in a new tab without giving it a handle on this page.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

const STRICT = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset'],
  ALLOW_DATA_ATTR: false,
};

const PLACEHOLDER = /\uE000([0-9a-z]+):(\d+)\uE001/g;

/** Sanitizes the skeleton strictly, then replaces each placeholder text by its fragment's nodes. */
function assemble(skeleton: string, ctx: RenderContext): string {
  const root = DOMPurify.sanitize(skeleton, { ...STRICT, RETURN_DOM_FRAGMENT: true });
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Text) {
      if (node.data.includes('\uE000')) texts.push(node);
    } else if (node instanceof Element) {
      // A formula inside an attribute (say an image's alt text) keeps no placeholder there.
      for (const attr of Array.from(node.attributes)) {
        if (attr.value.includes('\uE000')) node.setAttribute(attr.name, attr.value.replace(PLACEHOLDER, ''));
      }
    }
  }
  for (const text of texts) {
    const parts = document.createDocumentFragment();
    let last = 0;
    for (const m of text.data.matchAll(PLACEHOLDER)) {
      parts.append(text.data.slice(last, m.index));
      const html = m[1] === ctx.nonce ? ctx.fragments[Number(m[2])] : undefined;
      if (html !== undefined) {
        const template = document.createElement('template');
        template.innerHTML = html;
        parts.append(template.content);
      }
      last = m.index + m[0].length;
    }
    parts.append(text.data.slice(last));
    text.replaceWith(parts);
  }
  const out = document.createElement('div');
  out.append(root);
  return out.innerHTML;
}

/** The top-level blocks of an answer (paragraphs, lists, code blocks, formulas…), blank lines dropped. */
export function splitMarkdown(markdown: string): Token[] {
  return marked.lexer(markdown).filter((t) => t.type !== 'space' && t.type !== 'def');
}

/** Which lazily loaded renderer the blocks would use: highlight.js for a fence naming a language,
 *  KaTeX for a formula the lexer found (so a price like "$5" does not fetch KaTeX). */
export function rendererNeeds(tokens: Token[]): { code: boolean; math: boolean } {
  const needs = { code: false, math: false };
  marked.walkTokens(tokens, (t) => {
    if (t.type === 'code' && (t as Tokens.Code).lang) needs.code = true;
    else if (t.type === 'math' || t.type === 'mathBlock') needs.math = true;
  });
  return needs;
}

/** One block as sanitized HTML. */
export function renderBlock(token: Token, libs: RenderLibs = {}): string {
  return renderTokens([token], libs);
}

function renderTokens(tokens: Token[], libs: RenderLibs): string {
  ensureHooks();
  const ctx: RenderContext = { libs, nonce: Math.random().toString(36).slice(2), fragments: [] };
  context = ctx;
  try {
    return assemble(marked.parser(tokens), ctx);
  } finally {
    context = null;
  }
}

/** A whole answer as sanitized HTML (highlighting and math only if those libraries are given). */
export function renderMarkdown(markdown: string, libs: RenderLibs = {}): string {
  return renderTokens(marked.lexer(markdown), libs);
}

/** Exposed for tests: the sanitizer alone, for HTML that did not come through marked. */
export function sanitizeHtml(html: string): string {
  ensureHooks();
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_ATTR: ['style'] });
}
