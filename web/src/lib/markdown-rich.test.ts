// Tests for code highlighting and math in renderMarkdown/renderBlock, with the lazily loaded
// libraries loaded, and hostile input inside formulas and code blocks.
import { beforeAll, describe, expect, it } from 'vitest';
import { isClosedCode, renderBlock, renderMarkdown, rendererNeeds, splitMarkdown } from './markdown';
import { loadHighlighter, loadKatex, type RenderLibs } from './render-libs';
import type { Tokens } from 'marked';

let libs: RenderLibs;

beforeAll(async () => {
  await loadHighlighter();
  libs = await loadKatex();
});

function parse(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

function expectInert(el: HTMLElement) {
  expect(el.querySelector('script, iframe, object, embed, form, img, foreignObject, use, a')).toBeNull();
  for (const node of el.querySelectorAll('*')) {
    for (const attr of node.getAttributeNames()) {
      expect(attr.startsWith('on'), `${node.tagName} ${attr}`).toBe(false);
      expect(['href', 'xlink:href', 'src', 'action']).not.toContain(attr);
      expect(node.getAttribute(attr)!.toLowerCase()).not.toContain('javascript:');
    }
    const style = node.getAttribute('style') ?? '';
    expect(style).not.toMatch(/url\(|expression/i);
  }
}

describe('code blocks', () => {
  it('highlights a closed fence, names its language and offers Copy', () => {
    const el = parse(renderMarkdown('```ts\nconst a: number = 1; // one\n```', libs));
    const block = el.querySelector('.code-block')!;
    expect(block.querySelector('.code-lang')!.textContent).toBe('ts');
    expect(block.querySelector('button[data-copy="code"]')!.textContent).toBe('Copy');
    const code = block.querySelector('pre code')!;
    expect(code.className).toContain('language-ts');
    expect(code.querySelector('.hljs-keyword')!.textContent).toBe('const');
    expect(code.querySelector('.hljs-comment')!.textContent).toBe('// one');
    expect(code.textContent).toBe('const a: number = 1; // one');
  });

  it('leaves code plain until highlight.js is there, with the same frame', () => {
    const el = parse(renderMarkdown('```python\nprint(1)\n```'));
    expect(el.querySelector('.code-lang')!.textContent).toBe('python');
    expect(el.querySelector('pre code span')).toBeNull();
    expect(el.querySelector('pre code')!.textContent).toBe('print(1)');
  });

  it('does not highlight a fence that is still open (a streaming answer)', () => {
    const open = splitMarkdown('```js\nconst a = 1;\nconst b')[0] as Tokens.Code;
    expect(isClosedCode(open)).toBe(false);
    expect(parse(renderBlock(open, libs)).querySelector('.hljs-keyword')).toBeNull();
    const closed = splitMarkdown('```js\nconst a = 1;\n```\nmore')[0] as Tokens.Code;
    expect(isClosedCode(closed)).toBe(true);
    expect(parse(renderBlock(closed, libs)).querySelector('.hljs-keyword')).not.toBeNull();
  });

  it('labels a block without a language "text" and an unknown one by its name, unhighlighted', () => {
    const el = parse(renderMarkdown('```\nplain\n```\n\n```nosuchlang\nx = 1\n```', libs));
    const labels = [...el.querySelectorAll('.code-lang')].map((l) => l.textContent);
    expect(labels).toEqual(['text', 'nosuchlang']);
    expect(el.querySelector('pre code span')).toBeNull();
  });

  it.each([
    '```html\n<script>window.__xss=1</script><img src=x onerror="window.__xss=1">\n```',
    '```"><img src=x onerror=alert(1)>\ncode\n```',
    '```js onload=alert(1)\nx\n```',
  ])('keeps hostile code and language names as text: %s', (input) => {
    const el = parse(renderMarkdown(input, libs));
    el.querySelectorAll('button[data-copy]').forEach((b) => b.remove()); // ours
    expectInert(el);
    expect(el.querySelector('pre')).not.toBeNull();
  });
});

describe('rendererNeeds (what is worth fetching)', () => {
  it.each([
    ['It costs $5 and $10.', { code: false, math: false }],
    ['```\nplain, no language\n```', { code: false, math: false }],
    ['- a list with\n\n  ```js\n  nested()\n  ```', { code: true, math: false }],
    ['> quoted $x^2$', { code: false, math: true }],
    ['$$\n\\int x\n$$', { code: false, math: true }],
  ])('%s', (input, needs) => {
    expect(rendererNeeds(splitMarkdown(input))).toEqual(needs);
  });
});

describe('math', () => {
  it.each([
    ['inline $…$', 'Euler: $e^{i\\pi} + 1 = 0$.', false],
    ['inline \\(…\\)', 'Area \\(\\pi r^2\\) here', false],
    ['display $$…$$', '$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$', true],
    ['display \\[…\\]', '\\[\\sum_{k=1}^n k = \\frac{n(n+1)}{2}\\]', true],
  ])('renders %s with KaTeX, MathML included', (_name, input, display) => {
    const el = parse(renderMarkdown(input as string, libs));
    expect(el.querySelector('.katex')).not.toBeNull();
    expect(el.querySelector('.katex-display') !== null).toBe(display);
    expect(el.querySelector('math annotation')?.getAttribute('encoding')).toBe('application/x-tex');
    expect(el.querySelector('.math-source')).toBeNull();
  });

  it('keeps TeX away from markdown: underscores and stars are not emphasis', () => {
    const el = parse(renderMarkdown('$a_1 * b_2 * c_3$', libs));
    expect(el.querySelector('em, strong')).toBeNull();
    expect(el.querySelector('annotation')!.textContent).toBe('a_1 * b_2 * c_3');
  });

  it('leaves prices and code alone', () => {
    const el = parse(renderMarkdown('It costs $5 and $10. `$x$` stays code.', libs));
    expect(el.querySelector('.katex')).toBeNull();
    expect(el.textContent).toContain('$5 and $10');
    expect(el.querySelector('code')!.textContent).toBe('$x$');
  });

  it('shows the TeX source until KaTeX is loaded', () => {
    const el = parse(renderMarkdown('so $x^2$ it is'));
    expect(el.querySelector('code.math-source')!.textContent).toBe('$x^2$');
  });

  it('shows a KaTeX error in place instead of throwing', () => {
    const el = parse(renderMarkdown('$\\frac{1}{$ and $\\nosuchcommand{x}$', libs));
    expect(el.querySelector('.katex-error, .katex')).not.toBeNull();
  });

  it.each([
    '$<script>window.__xss=1</script>$',
    '$$<img src=x onerror="window.__xss=1">$$',
    '$\\href{javascript:alert(1)}{click}$',
    '$\\url{javascript:alert(1)}$',
    '$\\text{<img src=x onerror=alert(1)>}$',
    '$\\text{<b onmouseover=alert(1)>x</b>}$',
    '$$\\htmlStyle{background:url(javascript:alert(1))}{x}$$',
    '$\\htmlData{onclick=alert(1)}{x}$',
    '$\\htmlClass{x" onclick="alert(1)}{y}$',
    '$\\includegraphics{https://evil.example/x.png}$',
    '$\\color{red;background:url(https://evil.example)}{x}$',
    '[$x$](javascript:alert(1))',
    '![$x$ and <b>](https://evil.example/x.png)',
    '\\[ \\href{javascript:alert(1)}{x} \\]',
  ])('keeps hostile math inert: %s', (input) => {
    const el = parse(renderMarkdown(input, libs));
    for (const a of el.querySelectorAll('a')) expect(a.getAttribute('href') ?? '').not.toContain('javascript:');
    el.querySelectorAll('a').forEach((a) => a.replaceWith(...a.childNodes)); // markdown's own links: checked above
    el.querySelectorAll('img').forEach((img) => {
      expect(img.getAttributeNames().filter((n) => n.startsWith('on'))).toEqual([]);
      img.remove();
    });
    expectInert(el);
    expect(el.innerHTML).not.toContain('\uE000');
  });

  it('renders KaTeX through its own allow-list only: no element KaTeX does not make', () => {
    const el = parse(renderMarkdown('$$\\sqrt{x^2} + \\overrightarrow{AB} + \\text{ok}$$', libs));
    const tags = new Set([...el.querySelectorAll('.katex *')].map((n) => n.tagName.toLowerCase()));
    const katexTags = ['span', 'math', 'semantics', 'mrow', 'mi', 'mo', 'mn', 'msup', 'msqrt', 'mover', 'mtext'];
    const allowed = new Set([...katexTags, 'annotation', 'svg', 'path', 'line', 'munder', 'mspace', 'mstyle']);
    expect([...tags].filter((t) => !allowed.has(t))).toEqual([]);
    expect(tags.has('svg')).toBe(true); // the radical and the arrow are drawn
  });
});
