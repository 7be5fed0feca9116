// Both the API and the socket down: the test kills the server global setup started for it
// (`servers.doomed`), so the shared ones stay up for the other specs.
import { expect, test } from './support/fixtures';
import { RED, STATUS, openConnected, shot, statusColor, waitForStatus } from './support/page';

test('API and socket down: red Disconnected', async ({ page, servers }) => {
  await openConnected(page, servers.doomed + '/');
  process.kill(servers.doomedPid, 'SIGKILL');
  await waitForStatus(page, 'disconnected', 20_000);
  expect(await page.locator(STATUS('disconnected')).innerText(), 'status text is not "Disconnected"').toContain(
    'Disconnected',
  );
  expect(await statusColor(page), 'status dot is not red').toBe(RED);
  await shot(page, '09-disconnected');
});
