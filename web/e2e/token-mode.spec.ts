// Token mode (`--auth token`): the sign-in form trades an API token for the session cookie.
import { test } from './support/fixtures';
import { sendAndAwaitAnswer, shot, waitForStatus } from './support/page';

test('token mode: sign in with an API token, then chat', async ({ page, servers }) => {
  await page.goto(servers.token + '/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('API token').fill(servers.tokenUserToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForStatus(page, 'full');
  await sendAndAwaitAnswer(page, 'signed in message');
  await shot(page, '08-token-mode-signed-in');
});
