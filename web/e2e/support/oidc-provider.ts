// An OIDC provider for the single sign-on scenario: navikt's mock-oauth2-server (the one the
// server's OidcTest uses), run by its standalone main with its login page on, on the server
// module's test classpath. Maven's web-e2e execution passes that classpath as
// LANECHAT_TEST_CLASSPATH; without it the scenario is skipped (npm run e2e by hand), with a note.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { serverLogDir } from './server';

export const providerClasspath = process.env.LANECHAT_TEST_CLASSPATH ?? '';

export interface RunningProvider {
  /** The issuer, e.g. http://127.0.0.1:41234/default */
  issuer: string;
  kill(): void;
}

/** A port nobody listens on now (the server and the provider need theirs before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts the provider on `port` and resolves once its discovery document answers. The issuer is
 * `http://127.0.0.1:<port>/default` whether or not it is up yet: a Lanechat server may start
 * meanwhile (it reads discovery at the first sign-in).
 */
export function issuerAt(port: number): string {
  return `http://127.0.0.1:${port}/default`;
}

export async function startProvider(name: string, port: number): Promise<RunningProvider> {
  mkdirSync(serverLogDir, { recursive: true });
  const proc = spawn('java', ['-cp', providerClasspath, 'no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      SERVER_HOSTNAME: '127.0.0.1',
      SERVER_PORT: String(port),
      JSON_CONFIG: JSON.stringify({ interactiveLogin: true }),
    },
  });
  const log = createWriteStream(path.join(serverLogDir, `${name}.log`));
  proc.stdout?.pipe(log);
  proc.stderr?.pipe(log);
  let exited = false;
  proc.on('exit', () => (exited = true));
  const kill = () => {
    if (!exited) proc.kill('SIGKILL');
  };
  const issuer = issuerAt(port);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline && !exited) {
    try {
      const r = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (r.ok) return { issuer, kill };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  kill();
  throw new Error(`OIDC provider ${name} did not answer discovery (see ${serverLogDir}/${name}.log)`);
}
