// Tests for renderMarkdown: markdown and code blocks render, active content does not survive.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, sanitizeHtml } from './markdown';

function parse(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

describe('renderMarkdown', () => {
  it('renders markdown with code blocks', () => {
    const el = parse(renderMarkdown('**bold** and `x`\n\n```js\nconst a = "<b>";\n```'));
    expect(el.querySelector('strong')?.textContent).toBe('bold');
    expect(el.querySelector('pre code')?.textContent).toContain('const a = "<b>";');
    expect(el.querySelector('pre b')).toBeNull();
  });

  it.each([
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=1</script>',
    '<a href="javascript:window.__xss=1">click</a>',
    '[click](javascript:window.__xss=1)',
    '<svg onload="window.__xss=1"></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<div onclick="x()" style="background:url(javascript:x)">hi</div>',
    '<form action="javascript:x"><button>go</button></form>',
  ])('removes active content from %s', (input) => {
    const el = parse(renderMarkdown(input));
    expect(el.querySelector('script, iframe, svg, form, object, embed')).toBeNull();
    for (const node of el.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) {
        expect(attr.startsWith('on')).toBe(false);
        expect(attr).not.toBe('style');
      }
      const href = node.getAttribute('href') ?? '';
      expect(href.toLowerCase()).not.toContain('javascript:');
    }
  });

  it('shows raw HTML in an answer as text', () => {
    const el = parse(renderMarkdown('say <b>hi</b> and <img src=x onerror="window.__xss=1">'));
    expect(el.querySelector('b, img')).toBeNull();
    expect(el.textContent).toContain('<b>hi</b>');
    expect(el.textContent).toContain('<img src=x onerror="window.__xss=1">');
  });

  it('the sanitizer alone strips handlers and scripts', () => {
    const el = parse(sanitizeHtml('<img src=x onerror="x()"><script>x()</script><a href="javascript:x()">a</a>'));
    expect(el.querySelector('script')).toBeNull();
    expect(el.querySelector('img')!.getAttribute('onerror')).toBeNull();
    expect(el.querySelector('a')!.getAttribute('href')).toBeNull();
  });

  it('opens links in a new tab without opener', () => {
    const a = parse(renderMarkdown('[docs](https://example.org)')).querySelector('a')!;
    expect(a.getAttribute('href')).toBe('https://example.org');
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toContain('noopener');
  });
});
