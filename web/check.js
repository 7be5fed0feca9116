// `npm run check` in two lanes at once: tsc on src (the longest part, single-threaded) beside the
// e2e tsc, ESLint and Prettier one after the other. On the 2-core CI machine that uses both cores
// instead of one. Fails if any part fails; each part's output is printed when it ends, whole.
import { spawn } from 'node:child_process';

const lanes = [
  [['tsc', '--noEmit', '-p', 'tsconfig.json']],
  [
    ['tsc', '--noEmit', '-p', 'e2e/tsconfig.json'],
    ['eslint', '--max-warnings', '0', '.'],
    ['prettier', '--check', '.'],
  ],
];

function run([cmd, ...args]) {
  return new Promise((resolve) => {
    const child = spawn(`node_modules/.bin/${cmd}`, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => {
      process.stdout.write(`> ${cmd} ${args.join(' ')}\n${e}\n`);
      resolve({ code: 1 });
    });
    child.on('close', (code) => {
      process.stdout.write(`> ${cmd} ${args.join(' ')}\n${out}`);
      resolve({ code: code ?? 1 });
    });
  });
}

async function lane(commands) {
  for (const c of commands) {
    if ((await run(c)).code !== 0) return false;
  }
  return true;
}

const ok = (await Promise.all(lanes.map(lane))).every(Boolean);
process.exit(ok ? 0 : 1);
