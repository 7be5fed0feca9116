// The suite's `test`: @playwright/test's, plus
//   servers      the shared servers global-setup.ts started (base URLs, the token user's token)
//   startServer  a server this test owns (its own flags; killed when the test ends)
//   page         with a 10 s default timeout and page errors echoed to the log; when a test
//                fails, its last API calls, socket frames and the chat's messages are printed
// Spec files import { test, expect } from here.
import { test as base, expect, type Page } from '@playwright/test';
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
  page: async ({ page }, use, testInfo) => {
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (err) => console.error(`  [page error] ${err.message}`));
    const trail = failureTrail(page);
    await use(page);
    if (testInfo.status !== testInfo.expectedStatus) await trail.print();
  },
});

export { expect };

/**
 * What a failed test's page did last, for CI logs without the trace: API responses and socket
 * frames (type and task only, never content), then the chat's messages as the DOM shows them.
 */
function failureTrail(page: Page) {
  const started = Date.now();
  const lines: string[] = [];
  const note = (line: string) => {
    lines.push(`${String(Date.now() - started).padStart(6)} ms ${line}`);
    if (lines.length > 60) lines.shift();
  };
  page.on('response', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/'))
      note(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`);
  });
  page.on('websocket', (ws) => {
    note(`socket open ${new URL(ws.url()).pathname}`);
    ws.on('framereceived', ({ payload }) => note(`socket <- ${frameSummary(payload)}`));
    ws.on('close', () => note('socket closed'));
  });
  return {
    async print() {
      const messages = await page
        .locator('.message')
        .evaluateAll((els) =>
          els.map(
            (el) => `${el.className} status=${el.getAttribute('data-status')} "${(el.textContent ?? '').slice(0, 40)}"`,
          ),
        )
        .catch(() => ['(page gone)']);
      const status = await page
        .locator('.header .status')
        .getAttribute('data-status', { timeout: 1_000 })
        .catch(() => '?');
      console.error(`  [failed at ${page.url()}; socket status ${status}]`);
      for (const line of lines) console.error(`    ${line}`);
      for (const m of messages) console.error(`    message: ${m}`);
    },
  };
}

function frameSummary(payload: string | Buffer): string {
  try {
    const frame = JSON.parse(payload.toString()) as {
      event?: string;
      data?: { type?: string; task_id?: string; offset?: number };
    };
    const d = frame.data ?? {};
    return [frame.event, d.type, d.task_id, d.offset === undefined ? undefined : `offset ${d.offset}`]
      .filter((x) => x !== undefined)
      .join(' ');
  } catch {
    return `(${payload.length} bytes)`;
  }
}
