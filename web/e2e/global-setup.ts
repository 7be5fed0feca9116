// Playwright global setup: starts, in parallel, the servers the specs share (demo lane delays
// 300, 3000 and 8000 ms, and one in token mode with a user), hands their URLs (and the fast
// one's pid, which the last spec kills) to the workers through LANECHAT_E2E_SERVERS (read by the `servers` fixture in support/fixtures.ts), and returns the
// teardown that kills them. A test that needs a server of its own uses the `startServer` fixture.
import { rmSync } from 'node:fs';
import {
  addUser,
  checkJar,
  newDataDir,
  serverLogDir,
  spawnServer,
  type RunningServer,
  type ServerOptions,
} from './support/server';

export interface SharedServers {
  fast: string;
  slow: string;
  slower: string;
  token: string;
  /** The fast server's process id: outage.spec.ts, run after every other spec, kills it. */
  fastPid: number;
  /** The API token of the token-mode server's user `e2e`. */
  tokenUserToken: string;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  checkJar();
  rmSync(serverLogDir, { recursive: true, force: true });
  const tokenDir = newDataDir('token');
  const tokenUserToken = await addUser(tokenDir, 'e2e');
  const kills: (() => void)[] = [];
  const stopAll = async () => {
    for (const kill of kills.splice(0)) kill();
    rmSync(tokenDir, { recursive: true, force: true });
  };
  // Never leave a server behind, however the runner ends (Ctrl-C, a crash, a timeout).
  process.once('exit', () => kills.forEach((kill) => kill()));
  const start = (name: string, options: ServerOptions) => {
    const server = spawnServer(name, options);
    kills.push(server.kill);
    return server.ready;
  };
  let servers: RunningServer[];
  try {
    servers = await Promise.all([
      start('fast', { demoDelayMs: 300 }),
      start('slow', { demoDelayMs: 3000 }),
      start('slower', { demoDelayMs: 8000 }),
      start('token', { demoDelayMs: 300, auth: 'token', dataDir: tokenDir }),
    ]);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const [fast, slow, slower, token] = servers;
  const shared: SharedServers = {
    fast: fast.url,
    slow: slow.url,
    slower: slower.url,
    token: token.url,
    fastPid: fast.pid,
    tokenUserToken,
  };
  process.env.LANECHAT_E2E_SERVERS = JSON.stringify(shared);
  console.log(
    `servers: ${fast.url} (300 ms), ${slow.url} (3000 ms), ${slower.url} (8000 ms), ${token.url} (token mode)`,
  );
  return stopAll;
}
