// The suite's `test`: @playwright/test's, plus
//   servers      the shared servers global-setup.ts started (base URLs, the token user's token)
//   startServer  a server this test owns (its own flags; killed when the test ends)
//   page         with a 10 s default timeout and page errors echoed to the log
// Spec files import { test, expect } from here.
import { test as base, expect } from '@playwright/test';
import type { SharedServers } from '../global-setup';
import { spawnServer, type RunningServer, type ServerOptions } from './server';

interface Fixtures {
  startServer: (name: string, options: ServerOptions) => Promise<RunningServer>;
}
interface WorkerFixtures {
  servers: SharedServers;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  servers: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const raw = process.env.LANECHAT_E2E_SERVERS;
      if (!raw) throw new Error('LANECHAT_E2E_SERVERS is not set: run through playwright.config.ts (global setup)');
      await use(JSON.parse(raw) as SharedServers);
    },
    { scope: 'worker' },
  ],
  // eslint-disable-next-line no-empty-pattern
  startServer: async ({}, use, testInfo) => {
    const kills: (() => void)[] = [];
    await use((name, options) => {
      const server = spawnServer(`${name}-${testInfo.testId}`, options);
      kills.push(server.kill); // also when the test gives up before the server listens
      return server.ready;
    });
    for (const kill of kills) kill();
  },
  page: async ({ page }, use) => {
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => console.error(`  [page error] ${err.message}`));
    await use(page);
  },
});

export { expect };
