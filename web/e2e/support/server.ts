// Starting and stopping real Lanechat server jars for the end-to-end suite: `lanechat serve` on
// port 0 with a fresh data dir (the URL is read from its "Lanechat listening on …" line), and
// `lanechat users add` for token mode. Used by global-setup.ts (the shared servers) and by the
// `startServer` fixture (a server a test owns, e.g. one it kills).
//
//   LANECHAT_JAR      server jar (default ../server/target/lanechat-server.jar from web/)
//   LANECHAT_WEB_DIR  if set, passed as --web-dir so the server serves this dist/ instead of its bundle
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const jar = path.resolve(webDir, process.env.LANECHAT_JAR ?? '../server/target/lanechat-server.jar');
const staticDir = process.env.LANECHAT_WEB_DIR ? path.resolve(process.env.LANECHAT_WEB_DIR) : null;
/** Server logs (stdout and stderr), one file per server; kept after the run. */
export const serverLogDir = path.join(webDir, 'test-results', 'servers');

export interface ServerOptions {
  /** The demo lane's answer delay (`--demo-delay-ms`). */
  demoDelayMs: number;
  /** `--auth` mode, e.g. `token`. */
  auth?: string;
  /** An existing data dir (e.g. one `addUser` wrote to); a fresh temp dir by default. */
  dataDir?: string;
  /** More `serve` flags. */
  args?: string[];
}

export interface RunningServer {
  name: string;
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  dataDir: string;
  pid: number;
  /** SIGKILL (no graceful shutdown) and removes the data dir it created. */
  kill(): void;
}

export function checkJar(): void {
  if (!existsSync(jar)) throw new Error(`server jar not found: ${jar} (set LANECHAT_JAR)`);
}

export function newDataDir(name: string): string {
  return mkdtempSync(path.join(tmpdir(), `lanechat-e2e-${name}-`));
}

/**
 * `lanechat users add NAME [flags]` (e.g. `--admin`): creates a token-mode user and returns its
 * token (the last line).
 */
export function addUser(dataDir: string, name: string, flags: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const proc = spawn('java', ['-jar', jar, 'users', 'add', name, ...flags, '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    proc.stderr.on('data', (c) => (out += c));
    proc.on('exit', (code) => {
      const lines = out.trim().split('\n');
      if (code === 0 && lines.length > 0) resolve(lines[lines.length - 1].trim());
      else reject(new Error(`users add exited with ${code}: ${out.slice(0, 300)}`));
    });
  });
}

/**
 * Starts a server and gives its `kill` at once, so a caller that gives up waiting (a test's
 * timeout) can still stop it.
 */
export function spawnServer(name: string, options: ServerOptions): { ready: Promise<RunningServer>; kill: () => void } {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? newDataDir(name);
  const args = ['-jar', jar, 'serve', '--port', '0', '--data-dir', dataDir];
  args.push('--demo-delay-ms', String(options.demoDelayMs));
  if (options.auth) args.push('--auth', options.auth);
  if (staticDir) args.push('--web-dir', staticDir);
  args.push(...(options.args ?? []));
  mkdirSync(serverLogDir, { recursive: true });
  const proc: ChildProcess = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(serverLogDir, `${name}.log`));
  proc.stderr?.pipe(log);
  let exited = false;
  proc.on('exit', () => {
    exited = true;
  });
  const kill = () => {
    if (!exited) proc.kill('SIGKILL');
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const ready = new Promise<RunningServer>((resolve, reject) => {
    let url: string | null = null;
    let buffer = '';
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`server ${name} printed no listening line within 120 s`));
    }, 120_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (url) return;
      buffer += chunk.toString();
      const m = buffer.match(/Lanechat listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        url = m[1].replace(/\/$/, '');
        resolve({ name, url, dataDir, pid: proc.pid ?? -1, kill });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!url)
        reject(new Error(`server ${name} exited with ${code} before listening (see ${serverLogDir}/${name}.log)`));
    });
  });
  return { ready, kill };
}
