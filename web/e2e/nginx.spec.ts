// Behind nginx (issue 20): Debian's nginx with the README's configuration (docs/nginx/lanechat.conf;
// see support/nginx.ts) in front of two nodes in token mode on one PostgreSQL database. Through
// nginx, in Chromium: sign in, send; cut the socket (the answer comes by polling); kill -9 the
// node holding the socket right after a send; the page reconnects through nginx to the other
// node, and every answer arrives exactly once, also after a reload. The spec owns its setup: the
// database, the two nodes (startServer), nginx.
import { expect, test } from './support/fixtures';
import { startNginx, type RunningNginx } from './support/nginx';
import type { Page, WebSocketRoute } from '@playwright/test';
import { answerFor, expectAnsweredOnce, send, sendAndAwaitAnswer, shot, waitForStatus } from './support/page';
import { addUserOnDatabase, createDatabase } from './support/postgres';

// nginx's certificate is a throwaway self-signed one.
test.use({ ignoreHTTPSErrors: true });

/**
 * Like support/page's socketSwitch, but `cut()` closes both sides, the page's and nginx's, as a
 * real cut would: the node's socket count then says which node holds the page's one socket.
 */
async function socketCutter(page: Page) {
  let cut = false;
  const live = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  await page.routeWebSocket(
    (url) => url.pathname === '/ws',
    (ws) => {
      if (cut) {
        void ws.close({ code: 4000, reason: 'cut by test' });
        return;
      }
      const pair = { page: ws, server: ws.connectToServer() };
      live.add(pair);
      ws.onClose(() => live.delete(pair));
    },
  );
  return {
    async cut() {
      cut = true;
      for (const pair of [...live]) {
        await pair.server.close({ code: 1000, reason: 'cut by test' });
        await pair.page.close({ code: 4000, reason: 'cut by test' });
      }
    },
    restore() {
      cut = false;
    },
  };
}

/** The node's `lanechat_sockets_open` gauge, read from the node itself (not through nginx). */
async function socketsOpen(nodeUrl: string): Promise<number> {
  try {
    const text = await (await fetch(`${nodeUrl}/metrics`)).text();
    const m = text.match(/^lanechat_sockets_open(?:\{[^}]*\})? (\S+)$/m);
    return m ? Number(m[1]) : NaN;
  } catch {
    return 0; // a killed node holds no socket
  }
}

test('behind nginx: send, socket cut, node killed, reconnect on the other node, nothing lost', async ({
  page,
  startServer,
}) => {
  test.setTimeout(150_000); // two JVMs and a PostgreSQL database of its own: slow on a busy machine
  const database = createDatabase();
  let nginx: RunningNginx | undefined;
  const kills: (() => void)[] = [];
  try {
    const token = addUserOnDatabase(database.url, 'alice');
    // A 2 s lease: a task the killed node was running is retried by the other one 2 s later.
    const flags = { demoDelayMs: 1500, auth: 'token', args: ['--db', database.url, '--lease-s', '2'] };
    const nodes = await Promise.all([startServer('nginx-a', flags), startServer('nginx-b', flags)]);
    kills.push(...nodes.map((n) => n.kill));
    nginx = await startNginx(nodes.map((n) => new URL(n.url).host));

    const socket = await socketCutter(page);
    await page.goto(nginx.url + '/');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForStatus(page, 'full', 20_000);
    await sendAndAwaitAnswer(page, 'one through nginx', 15_000);

    // Socket cut (the nodes stay up): yellow Partial, the answer comes by polling through nginx.
    await socket.cut();
    await waitForStatus(page, 'partial');
    await sendAndAwaitAnswer(page, 'two while the socket is cut', 20_000);
    socket.restore();
    await waitForStatus(page, 'full', 30_000);

    // The node holding the page's one socket is killed right after the next send is accepted.
    const open = async () => Promise.all(nodes.map((n) => socketsOpen(n.url)));
    await expect.poll(async () => (await open()).reduce((a, b) => a + b), { timeout: 15_000 }).toBe(1);
    const holder = (await open()).indexOf(1);
    const survivor = nodes[1 - holder];
    const accepted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/messages'),
    );
    await send(page, 'three as its node dies');
    expect((await accepted).status(), 'the send before the kill is accepted').toBe(202);
    nodes[holder].kill();
    const killedAt = Date.now();
    await expect
      .poll(() => socketsOpen(survivor.url), { timeout: 30_000, message: 'reconnected to the other node' })
      .toBe(1);
    const reconnectedMs = Date.now() - killedAt;
    await waitForStatus(page, 'full', 30_000);
    await answerFor(page, 'three as its node dies').waitFor({ timeout: 30_000 });
    const answeredMs = Date.now() - killedAt;
    await sendAndAwaitAnswer(page, 'four on the other node', 15_000);
    await shot(page, '20-behind-nginx');
    console.log(
      `behind nginx: socket on the other node ${reconnectedMs} ms after the kill, the answer in flight ${answeredMs} ms after it`,
    );

    // Nothing lost, nothing twice: on the page, and again after a reload (from the store).
    const sent = [
      'one through nginx',
      'two while the socket is cut',
      'three as its node dies',
      'four on the other node',
    ];
    for (const text of sent) await expectAnsweredOnce(page, text);
    await page.reload();
    await waitForStatus(page, 'full', 30_000);
    for (const text of sent) {
      await answerFor(page, text).waitFor();
      await expectAnsweredOnce(page, text);
    }
    // It all went through nginx: socket upgrades reached both nodes.
    const upgrades = nginx
      .accessLog()
      .split('\n')
      .filter((line) => line.startsWith('GET /ws 101 '));
    const upstreams = new Set(upgrades.map((line) => line.split(' ').pop()));
    expect(upstreams, `socket upgrades through nginx: ${upgrades.join(' | ')}`).toEqual(
      new Set(nodes.map((n) => new URL(n.url).host)),
    );
  } finally {
    nginx?.stop();
    for (const kill of kills) kill(); // before the database goes
    database.drop();
  }
});
