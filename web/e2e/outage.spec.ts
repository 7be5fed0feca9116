// Both the API and the socket down: the test kills the shared fast server, so it runs in its own
// project, after every other spec (playwright.config.ts), as the last scenario of the suite.
import { expect, test } from './support/fixtures';
import { RED, STATUS, openConnected, shot, statusColor, waitForStatus } from './support/page';

test('API and socket down: red Disconnected', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
  process.kill(servers.fastPid, 'SIGKILL');
  await waitForStatus(page, 'disconnected', 20_000);
  expect(await page.locator(STATUS('disconnected')).innerText(), 'status text is not "Disconnected"').toContain(
    'Disconnected',
  );
  expect(await statusColor(page), 'status dot is not red').toBe(RED);
  await shot(page, '09-disconnected');
});
