// The admin page (issue 20), on a token-mode server of this test's own whose admin was made with
// `lanechat users add root --admin`: the admin creates a user (its token shown once) and gives it
// a quota of 1 message a day; that user's first send is answered and the next is refused with a
// notice a person can read.
import { rmSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { answerFor, send, sendAndAwaitAnswer, shot } from './support/page';
import { addUser, newDataDir } from './support/server';

async function signIn(page: Page, token: string) {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

test('admin page: create a user, set its quota, and the quota stops its next send', async ({ page, startServer }) => {
  test.setTimeout(120_000); // a JVM of its own to start: slow on a busy machine
  const dataDir = newDataDir('admin');
  try {
    const rootToken = await addUser(dataDir, 'root', ['--admin']);
    const server = await startServer('admin', { demoDelayMs: 300, auth: 'token', dataDir });

    await page.goto(server.url + '/');
    await signIn(page, rootToken);
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('heading', { name: 'Admin' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('quinn');
    await page.getByRole('button', { name: 'Create' }).click();
    const token = ((await page.getByLabel('Token for quinn').textContent()) ?? '').trim();
    expect(token, 'the new token is shown once').toMatch(/^lc_/);
    await page.getByRole('button', { name: 'Set quota of quinn' }).click();
    const form = page.getByRole('form', { name: 'Quota of quinn' });
    await form.getByLabel('Messages a day').fill('1');
    await form.getByRole('button', { name: 'Save quota' }).click();
    await page.locator('tr[data-user="quinn"]', { hasText: '1 message a day' }).waitFor();
    await shot(page, '10-admin-page');

    // Sign the admin out (DELETE /api/session clears the cookie), then in as quinn.
    await page.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
    await page.goto(server.url + '/');
    await signIn(page, token);
    expect(await page.getByRole('link', { name: 'Admin' }).count(), 'no Admin link for a user').toBe(0);
    await sendAndAwaitAnswer(page, 'my one message today');
    await send(page, 'one message too many');
    const notice = page.getByRole('alert').filter({ hasText: 'quota' });
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text, 'the notice says the quota is used up and when it resets').toMatch(/quota is used up/);
    expect(text).toContain('1 message a day');
    expect(text).toContain('00:00 UTC');
    expect(await answerFor(page, 'one message too many').count(), 'the refused message got no answer').toBe(0);
    await shot(page, '11-quota-used-up');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
