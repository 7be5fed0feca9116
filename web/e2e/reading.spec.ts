// Reading answers (issue 19) in Chromium: a code answer highlighted and copied to the clipboard,
// math rendered by KaTeX with its fonts from the page's own origin under the server's CSP, dark
// mode (system and toggle) with the contrast of the page's real colours measured in the browser,
// and the keyboard help. Screenshots for web/README.md go to web/docs/screenshots/.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { answerFor, openConnected, send } from './support/page';
import { webDir } from './support/server';

const CODE = [
  'def fib(n: int) -> int:',
  '    """The n-th Fibonacci number."""',
  '    a, b = 0, 1',
  '    for _ in range(n):',
  '        a, b = b, a + b  # a deliberately long comment line that must scroll sideways instead of wrapping around',
  '    return a',
].join('\n');
const CODE_MESSAGE = `Here is some Python:\n\n\`\`\`python\n${CODE}\n\`\`\`\n\nand Euler: $e^{i\\pi} + 1 = 0$, and\n\n$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$\n\nend`;

async function saveShot(page: Page, name: string) {
  await page.locator('.messages').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await page.screenshot({ path: path.join(webDir, 'docs', 'screenshots', `${name}.png`) });
}

async function sendCodeAnswer(page: Page) {
  await send(page, CODE_MESSAGE);
  const answer = answerFor(page, 'Here is some Python');
  await answer.waitFor({ timeout: 5_000 });
  await answer.locator('.code-block .hljs-keyword').first().waitFor({ timeout: 5_000 });
  await answer.locator('.katex').first().waitFor({ timeout: 5_000 });
  return answer;
}

/** Contrast ratios of the page's text (and the status dot) as the browser paints them. */
function measureContrast() {
  const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const lum = (c: string) => {
    const [r, g, b] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a: string, b: string) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
  };
  const background = (el: Element | null): string => {
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const alpha = rgb(bg)[3];
      if (bg !== 'transparent' && alpha !== 0) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  const text = [
    '.brand',
    '.status-text',
    '.chat-title',
    '.conversation-title',
    '.conversation-cost',
    '.user-text',
    '.message.assistant .markdown p',
    '.message.assistant .meta',
    '.code-lang',
    '.code-block pre code',
    '.code-block .hljs-keyword',
    '.code-block .hljs-string',
    '.code-block .hljs-comment',
    '.copy-answer',
    '.composer textarea',
    '.send-button',
    '.katex',
  ].map((selector) => {
    const el = document.querySelector(selector);
    if (!el) return { selector, ratio: 0, fg: 'missing', bg: '' };
    const fg = getComputedStyle(el).color;
    const bg = background(el);
    return { selector, ratio: ratio(fg, bg), fg, bg };
  });
  const dot = document.querySelector('[data-testid="status-dot"]')!;
  const dotStyle = getComputedStyle(dot);
  return {
    text,
    dot: { ratio: ratio(dotStyle.backgroundColor, dotStyle.borderTopColor), fill: dotStyle.backgroundColor },
    page: getComputedStyle(document.documentElement).backgroundColor,
  };
}

function expectReadable(result: ReturnType<typeof measureContrast>) {
  for (const t of result.text) {
    expect(t.ratio, `${t.selector}: ${t.fg} on ${t.bg}`).toBeGreaterThanOrEqual(4.5);
  }
  expect(result.dot.ratio, `status dot ${result.dot.fill} against its ring`).toBeGreaterThanOrEqual(3);
}

test('a code answer is highlighted, scrolls sideways and is copied to the clipboard', async ({
  page,
  context,
  servers,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: servers.fast });
  await page.emulateMedia({ colorScheme: 'light' });
  await openConnected(page, servers.fast + '/');
  const answer = await sendCodeAnswer(page);
  const block = answer.locator('.code-block');
  await expect(block.locator('.code-lang')).toHaveText('python');

  const pre = await block.locator('pre').evaluate((el) => ({
    scrolls: el.scrollWidth > el.clientWidth,
    whiteSpace: getComputedStyle(el.querySelector('code')!).whiteSpace,
    overflowX: getComputedStyle(el).overflowX,
  }));
  expect(pre, 'the long line scrolls inside the block').toEqual({
    scrolls: true,
    whiteSpace: 'pre',
    overflowX: 'auto',
  });
  const pageOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(pageOverflow, 'the page itself does not get wider').toBeLessThanOrEqual(0);

  await block.getByRole('button', { name: 'Copy code' }).click();
  await expect(block.getByRole('button', { name: 'Copy code' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(CODE);

  await answer.getByRole('button', { name: 'Copy answer' }).click();
  await expect(answer.getByRole('button', { name: 'Copy answer' })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(`\`\`\`python\n${CODE}\n\`\`\``);
  await saveShot(page, 'code-answer');
});

test('math renders with KaTeX fonts from this origin and no CSP violation', async ({ page, servers }) => {
  const violations: string[] = [];
  const fonts: { url: string; status: number }[] = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  page.on('response', (res) => {
    if (/KaTeX_.*\.(woff2?|ttf)$/.test(res.url())) fonts.push({ url: res.url(), status: res.status() });
  });
  await openConnected(page, servers.fast + '/');
  const answer = await sendCodeAnswer(page);
  await expect(answer.locator('.katex-display')).toHaveCount(1);
  await expect(answer.locator('.katex')).toHaveCount(2);
  await page.evaluate(() => document.fonts.ready);
  await expect.poll(() => fonts.length, { message: 'KaTeX fonts fetched' }).toBeGreaterThan(0);
  for (const f of fonts) {
    expect(new URL(f.url).origin, f.url).toBe(servers.fast);
    expect(f.status, f.url).toBe(200);
  }
  const katexFont = await answer
    .locator('.katex .mathnormal')
    .first()
    .evaluate((el) => getComputedStyle(el).fontFamily);
  expect(katexFont).toContain('KaTeX_Math');
  expect(violations, violations.join('\n')).toEqual([]);
});

test('dark mode follows the system and the toggle, remembered, readable in both themes', async ({ page, servers }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openConnected(page, servers.fast + '/');
  await sendCodeAnswer(page);
  const light = await page.evaluate(measureContrast);
  expect(light.page).toBe('rgb(246, 247, 249)');
  expectReadable(light);
  await saveShot(page, 'light');

  // The system asks for dark: the page follows without a choice of its own.
  await page.emulateMedia({ colorScheme: 'dark' });
  const system = await page.evaluate(measureContrast);
  expect(system.page).toBe('rgb(15, 20, 26)');
  expectReadable(system);
  await saveShot(page, 'dark');

  // Light chosen on the toggle wins over the system, and is remembered across a reload.
  const picker = page.getByRole('combobox', { name: 'Theme' });
  await picker.selectOption('light');
  expect((await page.evaluate(measureContrast)).page).toBe('rgb(246, 247, 249)');
  await page.reload();
  await page.locator('.message.assistant[data-status="completed"]').first().waitFor();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
  expect((await page.evaluate(measureContrast)).page).toBe('rgb(246, 247, 249)');

  // Dark chosen on a light system.
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  const dark = await page.evaluate(measureContrast);
  expect(dark.page).toBe('rgb(15, 20, 26)');
  expectReadable(dark);
});

test('? shows the keyboard shortcuts; n and Shift+Esc reach the message box, / the search box', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.fast + '/');
  await send(page, 'shortcut check');
  await answerFor(page, 'shortcut check').waitFor({ timeout: 5_000 });
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.press('Escape'); // nothing to stop: stays in the box
  await page.locator('.brand').click();
  await page.keyboard.press('?');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toContainText('New conversation');
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await page.keyboard.press('n');
  await expect(page).toHaveURL(servers.fast + '/');
  await expect(box).toBeFocused();
  await page.locator('.brand').click();
  await page.keyboard.press('Shift+Escape');
  await expect(box).toBeFocused();
  await page.locator('.brand').click();
  await page.keyboard.press('/');
  await expect(page.getByRole('searchbox', { name: 'Search conversations' })).toBeFocused();
});
