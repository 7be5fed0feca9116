// A fresh PostgreSQL database for a scenario with several nodes, on the machine's PostgreSQL
// (127.0.0.1:5432, user postgres, trust; .ci/run starts it), made and dropped with psql as the
// server's tests do (server/src/test/.../support/PgDatabase). `users add` on it through the jar.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { jar } from './server';

const host = process.env.LANECHAT_TEST_PG_HOST ?? '127.0.0.1';
const port = process.env.LANECHAT_TEST_PG_PORT ?? '5432';
const user = process.env.LANECHAT_TEST_PG_USER ?? 'postgres';
const adminDb = process.env.LANECHAT_TEST_PG_ADMIN_DB ?? 'test';

export interface PgDatabase {
  /** The `--db` URL of the server (postgresql://host:port/name?user=…). */
  url: string;
  drop(): void;
}

function admin(sql: string): void {
  execFileSync('psql', ['-h', host, '-p', port, '-U', user, '-d', adminDb, '-v', 'ON_ERROR_STOP=1', '-qc', sql], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

export function createDatabase(): PgDatabase {
  const name = `lc_e2e_${randomBytes(6).toString('hex')}`;
  admin(`CREATE DATABASE ${name}`);
  let dropped = false;
  return {
    url: `postgresql://${host}:${port}/${name}?user=${user}`,
    drop() {
      if (dropped) return;
      dropped = true;
      admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** `lanechat users add NAME --db URL`: the user's API token (the last line it prints). */
export function addUserOnDatabase(dbUrl: string, name: string): string {
  const out = execFileSync('java', ['-jar', jar, 'users', 'add', name, '--db', dbUrl], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'], // its log lines stay out of the report
  });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1].trim();
}
