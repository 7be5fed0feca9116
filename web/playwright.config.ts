// The end-to-end suite (`npm run e2e`, and `mvn verify` in server/pom.xml against the jar it just
// built): @playwright/test driving Debian's Chromium (never a downloaded browser) against real
// server jars that e2e/global-setup.ts starts. How to add a test: web/README.md.
//
//   LANECHAT_JAR      server jar (default ../server/target/lanechat-server.jar)
//   LANECHAT_WEB_DIR  serve this dist/ instead of the jar's bundle (--web-dir)
//   CHROMIUM_PATH     browser binary (default /usr/bin/chromium)
//   E2E_WORKERS       parallel workers (default 1: on a busy 2-core machine a second browser costs more than it saves)
import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) throw new Error(`no browser at ${chromiumPath}: apt-get install -y chromium`);

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 1),
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  // 170 s for the rest at load 20, plus nginx.spec.ts (two PostgreSQL nodes and nginx: ~2 min at load 30).
  globalTimeout: 420_000,
  reporter: [['list']],
  // outage.spec.ts kills the shared fast server, so it runs last, once the rest has run (if a
  // test fails, the run has failed already and the outage test is reported as not run).
  projects: [
    { name: 'e2e', testIgnore: /outage\.spec\.ts$/ },
    { name: 'outage', testMatch: /outage\.spec\.ts$/, dependencies: ['e2e'] },
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1200, height: 800 },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
