// Reading and finding (issue 19): search opens a message; export then import round-trips a
// conversation; a ChatGPT export imports; an answer that lands in a hidden tab gives a badge, a
// counted tab title and a notification, and opening the conversation clears the badge elsewhere.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from './support/fixtures';
import { openConnected, send, sendAndAwaitAnswer, shot } from './support/page';
import { webDir } from './support/server';

declare global {
  interface Window {
    __notes?: { title: string; body: string; tag: string }[];
    __setHidden?: (hidden: boolean) => void;
  }
}

const CHATGPT_FILE = fileURLToPath(
  new URL('../../server/src/test/resources/transfer/chatgpt-conversations.json', import.meta.url),
);

/** A word no other test sends, so the shared server's other conversations never match. */
const unique = (label: string) => `${label}${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

test('search finds a message and opens the conversation at it', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
  const word = unique('zebra');
  await sendAndAwaitAnswer(page, `where do ${word} sleep at night`);
  const conversation = page.url();
  await page.getByRole('button', { name: '+ New conversation' }).click();
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill(word.slice(0, -2));
  const hits = page.locator('.search-hit');
  await expect(hits).toHaveCount(3); // the title, the message and its answer
  await expect(hits.locator('mark').first()).toContainText(word);
  await shot(page, '20-search-results');
  // For web/README.md (rewritten on every run, as reading.spec.ts does with its screenshots).
  await page.screenshot({ path: path.join(webDir, 'docs', 'screenshots', 'search-results.png') });
  await hits.filter({ hasText: 'You:' }).click();
  await expect(page).toHaveURL(new RegExp(`${new URL(conversation).pathname}\\?m=`));
  await expect(page.locator('.message.focused')).toContainText(word);
});

test('export then import round-trips a conversation; a ChatGPT export imports', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
  const word = unique('quokka');
  await sendAndAwaitAnswer(page, `tell me about ${word}`);
  const id = new URL(page.url()).pathname.split('/').pop()!;
  const exported = await page.request.get(`${servers.fast}/api/conversations/${id}/export?format=json`);
  expect(exported.status()).toBe(200);
  const file = await exported.body();

  await page.setInputFiles('input[type="file"]', { name: 'export.json', mimeType: 'application/json', buffer: file });
  await expect(page.getByTestId('import-status')).toHaveText('Imported 1 conversation (Lanechat file).');
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill(word);
  const hits = page.locator('.search-hit', { hasText: 'You:' });
  await expect(hits).toHaveCount(2); // the original and the imported copy
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');

  await page.setInputFiles('input[type="file"]', CHATGPT_FILE);
  await expect(page.getByTestId('import-status')).toHaveText('Imported 2 conversations (ChatGPT file).');
  await page.locator('.conversation-link', { hasText: 'Sourdough starter help' }).first().click();
  await expect(page.locator('.message.assistant').last()).toContainText('Once a week is enough in the fridge.');
  await expect(page.locator('.message')).toHaveCount(4);

  await page.setInputFiles('input[type="file"]', {
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from(
      '{"format":"lanechat","version":1,"conversations":[{"messages":[{"role":"robot","content":"x"}]}]}',
    ),
  });
  await expect(page.getByTestId('import-status')).toContainText('conversations[0].messages[0].role');
});

test('an answer that lands in a hidden tab: badge, title, notification; opening it clears them', async ({
  browser,
  servers,
}) => {
  const context = await browser.newContext();
  // A page is never really hidden headless: the tab's visibility and the Notification API are
  // replaced before the app loads, the first under the test's control, the second recorded.
  await context.addInitScript(() => {
    let hidden = false;
    Object.defineProperty(document, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { get: () => hidden });
    window.__setHidden = (h: boolean) => {
      hidden = h;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    window.__notes = [];
    class RecordedNotification {
      static permission = 'granted';
      static requestPermission = () => Promise.resolve('granted');
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body: string; tag: string }) {
        window.__notes!.push({ title, body: options.body, tag: options.tag });
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: RecordedNotification });
  });
  const first = await context.newPage();
  const second = await context.newPage();
  const word = unique('owl');
  await openConnected(first, servers.slow + '/'); // answers after 3 s
  await send(first, `a question about ${word}`);
  await first.waitForURL(/\/c\//);
  const id = new URL(first.url()).pathname.split('/').pop()!;
  await first.evaluate(() => window.__setHidden!(true));

  await expect.poll(() => first.evaluate(() => window.__notes!.length), { timeout: 10_000 }).toBe(1);
  const note = await first.evaluate(() => window.__notes![0]);
  expect(note.title).toBe('Answer ready');
  expect(note.tag).toBe(id);
  expect(note.body).toContain(word);
  await expect(first).toHaveTitle('(1) Lanechat');

  await openConnected(second, servers.slow + '/');
  const badge = second.locator(`.conversation-link[href="/c/${id}"] [data-testid="unread-badge"]`);
  await expect(badge).toHaveText('1');
  await shot(second, '21-unread-badge');

  await first.evaluate(() => window.__setHidden!(false)); // the first tab is looked at again
  await expect(badge).toHaveCount(0);
  await expect(first).toHaveTitle('Lanechat');
  await expect(second).toHaveTitle('Lanechat');
  await context.close();
});
