// Per-conversation settings (issue 18, protocol.md E15) in Chromium against the real jar, on a
// server of its own with two demo lanes: a system prompt set from the conversation's header shows
// in a second tab at once and is still there after a reload, and a lane picked for a send is
// still the conversation's (in the header and as the composer's default) after a reload.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { answerFor, openConnected, sendAndAwaitAnswer, waitForStatus } from './support/page';

const LANES = `lanes:
  - name: demo
    processor: demo
    default: true
  - name: second
    processor: demo
`;

test('the system prompt and the lane stay with the conversation across a reload', async ({
  page,
  context,
  startServer,
}) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lanechat-e2e-settings-'));
  try {
    const lanesFile = path.join(dir, 'lanes.yaml');
    writeFileSync(lanesFile, LANES);
    const server = await startServer('settings', { demoDelayMs: 100, args: ['--lanes', lanesFile] });
    await openConnected(page, server.url + '/');
    await sendAndAwaitAnswer(page, 'first message');
    await expect(answerFor(page, 'first message').locator('.meta')).toHaveText(/^demo · /);
    await expect(page).toHaveURL(/\/c\//);

    // A second tab of the conversation, to see the change pushed (conversation.updated).
    const other = await context.newPage();
    other.setDefaultTimeout(10_000);
    await openConnected(other, page.url());

    // A system prompt from the header: saved, marked, and shown in the other tab too.
    const promptButton = page.getByRole('button', { name: /^System prompt/ });
    await expect(page.getByTestId('system-prompt-marker')).toHaveCount(0);
    await promptButton.click();
    const editor = page.getByRole('form', { name: 'System prompt editor' });
    await editor.getByLabel('System prompt', { exact: true }).fill('Answer like a pirate.');
    await expect(editor.getByText('21 characters · 21 / 8192 bytes')).toBeVisible();
    await editor.getByRole('button', { name: 'Save' }).click();
    await expect(editor).toHaveCount(0);
    await expect(page.getByTestId('system-prompt-marker')).toBeVisible();
    await expect(other.getByTestId('system-prompt-marker')).toBeVisible();
    await other.close();

    // A lane picked in the composer, then a send on it.
    await expect(page.getByLabel('Conversation lane')).toHaveValue('');
    await page.getByLabel('Lane', { exact: true }).selectOption('second');
    await sendAndAwaitAnswer(page, 'on the second lane');
    await expect(answerFor(page, 'on the second lane').locator('.meta')).toHaveText(/^second · /);
    // The demo lane says nothing of the system prompt.
    await expect(answerFor(page, 'on the second lane')).not.toContainText('pirate');
    await expect(page.getByLabel('Conversation lane')).toHaveValue('second');

    await page.reload();
    await waitForStatus(page, 'full');
    await expect(page.getByTestId('system-prompt-marker')).toBeVisible();
    await expect(page.getByLabel('Conversation lane')).toHaveValue('second');
    await expect(page.getByLabel('Lane', { exact: true })).toHaveValue('second');
    await page.getByRole('button', { name: /^System prompt/ }).click();
    await expect(page.getByLabel('System prompt', { exact: true })).toHaveValue('Answer like a pirate.');

    // The next send names no lane and still goes to the conversation's.
    await page.getByRole('button', { name: 'Cancel' }).click();
    await sendAndAwaitAnswer(page, 'after the reload');
    await expect(answerFor(page, 'after the reload').locator('.meta')).toHaveText(/^second · /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
