// Versions (issue 18) in Chromium against the real server: regenerate an answer and switch
// between its versions (the choice is stored: it survives a reload); edit and resend a message;
// a switch in one tab shows in a second tab of the same user. Writes web/docs/screenshots/versions.png
// (web/README.md shows it).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { answerFor, openConnected, sendAndAwaitAnswer, shot, waitForStatus } from './support/page';
import { webDir } from './support/server';

const byId = (page: Page, id: string) => page.locator(`.messages > li[data-message-id="${id}"]`);
const lastAnswer = (page: Page) => page.locator('.message.assistant').last();

async function idOf(locator: ReturnType<Page['locator']>): Promise<string> {
  const id = await locator.getAttribute('data-message-id');
  expect(id, 'the message has an id').toBeTruthy();
  return id as string;
}

test('regenerate an answer, then switch between its versions', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
  await sendAndAwaitAnswer(page, 'tell me twice');
  const firstId = await idOf(answerFor(page, 'tell me twice'));
  await expect(byId(page, firstId).getByRole('group', { name: /^Version/ })).toHaveCount(0);

  await byId(page, firstId).getByRole('button', { name: 'Regenerate', exact: true }).click();
  const second = lastAnswer(page);
  await expect(second.getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
  await expect(second).toHaveAttribute('data-status', 'completed', { timeout: 5_000 });
  const secondId = await idOf(second);
  expect(secondId).not.toBe(firstId);
  await expect(byId(page, firstId)).toHaveCount(0);
  await expect(page.locator('.message.assistant')).toHaveCount(1);

  await second.getByRole('button', { name: 'Previous version' }).click();
  await expect(byId(page, firstId).getByRole('group', { name: 'Version 1 of 2' })).toBeVisible();
  await expect(byId(page, secondId)).toHaveCount(0);
  await shot(page, '30-versions-switch');

  // The chosen path is the server's: a reload shows the same version.
  await page.reload();
  await waitForStatus(page, 'full');
  await expect(byId(page, firstId).getByRole('group', { name: 'Version 1 of 2' })).toBeVisible();
  await byId(page, firstId).getByRole('button', { name: 'Next version' }).click();
  await expect(byId(page, secondId).getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
});

test('edit a message and resend it', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
  await sendAndAwaitAnswer(page, 'first wording');
  const question = page.locator('.message.user', { hasText: 'first wording' });
  const questionId = await idOf(question);

  await question.getByRole('button', { name: 'Edit message' }).click();
  const editor = page.getByRole('textbox', { name: 'Edited message' });
  await expect(editor).toHaveValue('first wording');
  await editor.fill('second wording');
  await editor.press('Enter');

  await answerFor(page, 'second wording').waitFor({ timeout: 5_000 });
  const edited = page.locator('.message.user', { hasText: 'second wording' });
  await expect(edited.getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
  await expect(page.locator('.message.user', { hasText: 'first wording' })).toHaveCount(0);
  await expect(answerFor(page, 'first wording')).toHaveCount(0);
  // The answer too gets a second version, for the README's picture of both switches.
  await answerFor(page, 'second wording').getByRole('button', { name: 'Regenerate', exact: true }).click();
  await expect(lastAnswer(page).getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
  await expect(lastAnswer(page)).toHaveAttribute('data-status', 'completed', { timeout: 5_000 });
  await page.screenshot({ path: path.join(webDir, 'docs', 'screenshots', 'versions.png') });

  // The old branch, with its answer, is one switch away.
  await edited.getByRole('button', { name: 'Previous version' }).click();
  await expect(byId(page, questionId).getByRole('group', { name: 'Version 1 of 2' })).toBeVisible();
  await expect(answerFor(page, 'first wording')).toHaveCount(1);
  await expect(answerFor(page, 'second wording')).toHaveCount(0);
});

test('a version switch in one tab shows in a second tab', async ({ page: first, context, servers }) => {
  await openConnected(first, servers.fast + '/');
  await sendAndAwaitAnswer(first, 'two tabs, two versions');
  const firstId = await idOf(answerFor(first, 'two tabs, two versions'));
  await byId(first, firstId).getByRole('button', { name: 'Regenerate', exact: true }).click();
  await expect(lastAnswer(first).getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();
  await expect(lastAnswer(first)).toHaveAttribute('data-status', 'completed', { timeout: 5_000 });
  const secondId = await idOf(lastAnswer(first));

  const second = await context.newPage();
  second.setDefaultTimeout(10_000);
  await openConnected(second, first.url());
  await expect(byId(second, secondId).getByRole('group', { name: 'Version 2 of 2' })).toBeVisible();

  await byId(first, secondId).getByRole('button', { name: 'Previous version' }).click();
  await expect(byId(first, firstId)).toBeVisible();
  // No reload: the second tab follows the conversation.switched event.
  await expect(byId(second, firstId).getByRole('group', { name: 'Version 1 of 2' })).toBeVisible({
    timeout: 5_000,
  });
  await expect(byId(second, secondId)).toHaveCount(0);
  await shot(second, '31-versions-second-tab');
});
