// Both the API and the socket down: the test kills a server of its own (startServer), so the
// shared ones stay up for the other specs.
import { expect, test } from './support/fixtures';
import { RED, STATUS, openConnected, shot, statusColor, waitForStatus } from './support/page';

test('API and socket down: red Disconnected', async ({ page, startServer }) => {
  test.setTimeout(120_000); // a JVM of its own to start: slow on a busy machine
  const server = await startServer('outage', { demoDelayMs: 300 });
  await openConnected(page, server.url + '/');
  server.kill();
  await waitForStatus(page, 'disconnected', 20_000);
  expect(await page.locator(STATUS('disconnected')).innerText(), 'status text is not "Disconnected"').toContain(
    'Disconnected',
  );
  expect(await statusColor(page), 'status dot is not red').toBe(RED);
  await shot(page, '09-disconnected');
});
