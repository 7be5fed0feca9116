// @vitest-environment node
// WCAG contrast of the themes in styles.css, computed from the file itself: text pairs need 4.5:1
// (AA, normal text), the status dots and the focus ring 3:1 against what surrounds them (AA,
// non-text). The status dot colours are the spec's (Header's STATUS_DISPLAY), not the theme's.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STATUS_DISPLAY } from './components/Header';

// Read from disk: Vitest hands CSS imports (even ?raw) to its CSS pipeline, which is off in tests.
const css = readFileSync(join(import.meta.dirname ?? dirname(fileURLToPath(import.meta.url)), 'styles.css'), 'utf8');

type Palette = Record<string, string>;

function block(selectorStart: string): string {
  const at = css.indexOf(selectorStart);
  expect(at, selectorStart).toBeGreaterThanOrEqual(0);
  const open = css.indexOf('{', at);
  return css.slice(open + 1, css.indexOf('}', open));
}

function variables(body: string): Palette {
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = variables(block(':root {'));
const dark = variables(block(":root[data-theme='dark'] {"));
const systemDark = variables(block(":root:not([data-theme='light']) {"));

// [foreground, background] variable names of every text colour on every surface it is used on.
const TEXT_PAIRS: [string, string][] = [
  ['text', 'bg'],
  ['text', 'panel'],
  ['text', 'user'],
  ['muted', 'bg'],
  ['muted', 'panel'],
  ['muted', 'user'],
  ['link', 'bg'],
  ['link', 'panel'],
  ['link', 'user'],
  ['accent-text', 'accent'],
  ['danger', 'panel'],
  ['danger', 'failed-bg'],
  ['code-text', 'code-bg'],
  ['code-muted', 'code-bg'],
];

/** The colour of each highlight.js token rule, with its own background if it has one. */
function tokenColours(): { selector: string; color: string; background?: string }[] {
  return [...css.matchAll(/([^{}]*\.hljs-[^{}]*)\{([^}]*)\}/g)].flatMap((m) => {
    const color = /(?:^|[;\s])color:\s*(#[0-9a-f]{6}|var\(--[\w-]+\))/i.exec(m[2])?.[1];
    if (!color) return [];
    const background = /background-color:\s*(#[0-9a-f]{6})/i.exec(m[2])?.[1];
    return [{ selector: m[1].trim().replace(/\s+/g, ' '), color, background }];
  });
}

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s theme', (_name, palette) => {
  it.each(TEXT_PAIRS)('%s on %s passes AA (4.5:1)', (fg, bg) => {
    expect(palette[fg], fg).toBeDefined();
    expect(palette[bg], bg).toBeDefined();
    expect(contrast(palette[fg], palette[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it('every highlighted token passes AA on the code background', () => {
    const tokens = tokenColours();
    expect(tokens.length).toBeGreaterThan(8);
    for (const t of tokens) {
      const color = t.color.startsWith('var(') ? palette[t.color.slice(6, -1)] : t.color;
      const ratio = contrast(color, t.background ?? palette['code-bg']);
      expect(ratio, `${t.selector}: ${color}`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it.each(Object.entries(STATUS_DISPLAY))('the %s dot has 3:1 against its ring', (_state, { color, label }) => {
    expect(contrast(color, palette['status-ring'])).toBeGreaterThanOrEqual(3);
    expect(label.length).toBeGreaterThan(0); // and it is labelled in words (Header.test checks the words)
  });

  it('the focus ring has 3:1 against the page and the panels', () => {
    expect(contrast(palette.accent, palette.bg)).toBeGreaterThanOrEqual(3);
    expect(contrast(palette.accent, palette.panel)).toBeGreaterThanOrEqual(3);
  });
});

describe('the palettes', () => {
  it('the system-dark copy of the dark palette is the same palette', () => {
    expect(systemDark).toEqual(dark);
  });

  it('dark defines every colour light does, and the status dots keep the spec colours', () => {
    expect(Object.keys(dark).sort()).toEqual(Object.keys(light).sort());
    expect(STATUS_DISPLAY.full.color).toBe('#2e7d32');
    expect(STATUS_DISPLAY.partial.color).toBe('#f9a825');
    expect(STATUS_DISPLAY.disconnected.color).toBe('#c62828');
  });

  it('every rule with a fixed colour on a fixed background passes AA (badges, search marks, diffs)', () => {
    const fixed = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].flatMap((m) => {
      const color = /(?:^|[;\s])color:\s*(#[0-9a-f]{6})/i.exec(m[2])?.[1];
      const background = /background(?:-color)?:\s*(#[0-9a-f]{6})/i.exec(m[2])?.[1];
      return color && background ? [{ selector: m[1].trim(), color, background }] : [];
    });
    expect(fixed.length).toBeGreaterThan(0);
    for (const f of fixed) {
      expect(contrast(f.color, f.background), `${f.selector}: ${f.color} on ${f.background}`).toBeGreaterThanOrEqual(
        4.5,
      );
    }
  });

  it('the dots differ from the ring in light mode and from the panel in dark mode', () => {
    for (const { color } of Object.values(STATUS_DISPLAY)) {
      expect(contrast(light['status-ring'], light.panel)).toBeGreaterThanOrEqual(3);
      expect(contrast(color, dark.panel)).toBeGreaterThanOrEqual(3);
    }
  });
});
