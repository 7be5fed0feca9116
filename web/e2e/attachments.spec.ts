// Attachments (protocol.md E14) in Chromium against the real jar: an image and a text file by the
// Attach button (setInputFiles) and by drag and drop (a synthetic drop with a DataTransfer), sent to
// the demo lane, whose answer names them; the message shows the thumbnail and the file chip; a
// refused file shows the server's error on its chip and holds the send back until removed.
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { answerFor, openConnected, send, shot } from './support/page';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

async function awaitUploaded(page: Page, count: number) {
  await expect(page.locator('.attachment-chip[data-status="done"]')).toHaveCount(count);
}

/** Drops files made in the page onto the chat, as a desktop drag and drop does. */
async function dropFiles(page: Page, files: { name: string; type: string; base64: string }[]) {
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    return dt;
  }, files);
  const zone = page.locator('section.chat');
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

test('an image and a text file by the button and by drag and drop; a refused file shows its error', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.fast + '/');

  // By the button.
  await page.getByTestId('attach-input').setInputFiles([
    { name: 'cat.png', mimeType: 'image/png', buffer: PNG },
    { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Notes\nfirst line\n') },
  ]);
  await awaitUploaded(page, 2);
  await expect(page.locator('.attachment-chip img.attachment-thumb')).toHaveCount(1);
  await send(page, 'by the button');
  const first = answerFor(page, 'by the button');
  await expect(first).toContainText('cat.png (image, 70 bytes)');
  await expect(first).toContainText('notes.md (text, 19 bytes)');
  await expect(page.locator('.attachment-chip')).toHaveCount(0);
  const sent = page.locator('.message.user', { hasText: 'by the button' });
  const thumb = sent.locator('img.message-thumb');
  await expect(thumb).toHaveAttribute('alt', 'cat.png');
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
  const chip = sent.getByRole('link', { name: 'notes.md' });
  const download = await page.request.get(servers.fast + ((await chip.getAttribute('href')) ?? ''));
  expect(download.status()).toBe(200);
  expect(await download.text()).toBe('# Notes\nfirst line\n');

  // By drag and drop.
  await dropFiles(page, [
    { name: 'dropped.png', type: 'image/png', base64: PNG.toString('base64') },
    { name: 'data.csv', type: 'text/csv', base64: Buffer.from('a,b\n1,2\n').toString('base64') },
  ]);
  await awaitUploaded(page, 2);
  await send(page, 'by drag and drop');
  const second = answerFor(page, 'by drag and drop');
  await expect(second).toContainText('dropped.png (image, 70 bytes)');
  await expect(second).toContainText('data.csv (text, 8 bytes)');
  const dropped = page.locator('.message.user', { hasText: 'by drag and drop' });
  await expect(dropped.locator('img.message-thumb')).toHaveAttribute('alt', 'dropped.png');
  await expect(dropped.getByRole('link', { name: 'data.csv' })).toBeVisible();

  // Refused: the wrong type (415) and too big a text file (413), each with the server's words.
  await page.getByTestId('attach-input').setInputFiles([
    { name: 'doc.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n') },
    { name: 'huge.txt', mimeType: 'text/plain', buffer: Buffer.alloc(1024 * 1024 + 1, 'a') },
  ]);
  const refusals = page.locator('.attachment-chip[data-status="error"] .attachment-error');
  await expect(refusals).toHaveCount(2);
  await expect(refusals.nth(0)).toContainText("The file 'doc.pdf' is refused");
  await expect(refusals.nth(1)).toContainText("The text file 'huge.txt' is over 1 MiB");
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await shot(page, '30-attachments');
  await page.getByRole('button', { name: 'Remove doc.pdf' }).click();
  await page.getByRole('button', { name: 'Remove huge.txt' }).click();
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
});
