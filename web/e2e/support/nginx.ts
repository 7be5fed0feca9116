// Debian's nginx (apt-get install nginx; .ci/run installs it) in front of Lanechat nodes, for the
// nginx scenario: it runs in the foreground from a temp folder with the README's configuration,
// docs/nginx/lanechat.conf, where only the upstream servers, the listen address and the
// certificate paths are replaced (each replacement must match, so a changed file fails loudly
// rather than being tested in another shape). TLS uses a throwaway self-signed certificate.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webDir } from './server';

export const nginxConf = path.resolve(webDir, '../docs/nginx/lanechat.conf');
const nginxBinary = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface RunningNginx {
  /** https://127.0.0.1:PORT, no trailing slash. */
  url: string;
  /** The access log so far (one line per request: method, path, status, upstream). */
  accessLog(): string;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  const matches = text.match(
    new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'),
  );
  if (!matches || matches.length !== 1)
    throw new Error(`${nginxConf}: expected one ${what} (${pattern}), found ${matches?.length ?? 0}`);
  return text.replace(pattern, replacement);
}

/** docs/nginx/lanechat.conf with our upstreams, port and certificate. */
export function testedConfiguration(upstreams: string[], port: number, cert: string, key: string): string {
  let conf = readFileSync(nginxConf, 'utf8');
  const upstream = /upstream lanechat \{\n((?: {4}server \S+;\n)+)/;
  const servers = upstreams.map((u) => `    server ${u};\n`).join('');
  conf = replaceOnce(conf, upstream, `upstream lanechat {\n${servers}`, 'upstream block of server lines');
  conf = replaceOnce(conf, /^ {4}listen 443 ssl;$/m, `    listen 127.0.0.1:${port} ssl;`, 'listen 443 ssl');
  conf = replaceOnce(conf, /^( {4}ssl_certificate +)\S+;$/m, `$1${cert};`, 'ssl_certificate');
  conf = replaceOnce(conf, /^( {4}ssl_certificate_key +)\S+;$/m, `$1${key};`, 'ssl_certificate_key');
  return conf;
}

function waitForPort(port: number, proc: ChildProcess, log: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (proc.exitCode !== null) {
        reject(new Error(`nginx exited with ${proc.exitCode}: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`));
        return;
      }
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nginx does not listen on ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** Starts nginx on a free port in front of `upstreams` (host:port of each node). */
export async function startNginx(upstreams: string[]): Promise<RunningNginx> {
  if (!existsSync(nginxBinary)) throw new Error(`no nginx at ${nginxBinary}: apt-get install -y nginx`);
  const dir = mkdtempSync(path.join(tmpdir(), 'lanechat-e2e-nginx-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const port = await freePort();
  writeFileSync(path.join(dir, 'lanechat.conf'), testedConfiguration(upstreams, port, cert, key));
  // The main file a distribution's nginx.conf would be, reduced to a foreground process that
  // writes only in this folder. master_process off: no worker switching to another OS user.
  const errorLog = path.join(dir, 'error.log');
  const accessLog = path.join(dir, 'access.log');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'master_process off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 1024; }',
      'http {',
      `  log_format lanechat '$request_method $uri $status $upstream_addr';`,
      `  access_log ${accessLog} lanechat;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
      `  include ${dir}/lanechat.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  const proc = spawn(nginxBinary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog], {
    stdio: 'ignore',
  });
  const stop = () => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, proc, errorLog);
  } catch (err) {
    stop();
    throw err;
  }
  return {
    url: `https://127.0.0.1:${port}`,
    accessLog: () => (existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : ''),
    stop,
  };
}
