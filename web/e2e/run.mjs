// End-to-end suite: starts the real server jar, drives the web client in Debian's headless
// Chromium through playwright-core, and checks the socket / polling / status behaviour.
//
//   LANECHAT_JAR      server jar (default ../server/target/lanechat-server.jar from web/)
//   LANECHAT_WEB_DIR  if set, passed as --web-dir so the server serves this dist/ instead of its bundle
//   CHROMIUM_PATH     browser binary (default /usr/bin/chromium)
//
// Prints one line per scenario and a final "N passed, N failed"; exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const jar = path.resolve(webDir, process.env.LANECHAT_JAR ?? '../server/target/lanechat-server.jar');
const staticDir = process.env.LANECHAT_WEB_DIR ? path.resolve(process.env.LANECHAT_WEB_DIR) : null;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const resultsDir = path.join(webDir, 'test-results');
const TOTAL_BUDGET_MS = 200_000;

rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });
const servers = [];
const tempDirs = [];
let browserContext = null;

// ---------------------------------------------------------------------------------------------
// Server

function newDataDir(name) {
  const dataDir = mkdtempSync(path.join(tmpdir(), `lanechat-e2e-${name}-`));
  tempDirs.push(dataDir);
  return dataDir;
}

/** `lanechat users add NAME [flags]`: creates a token-mode user and returns its token (last line). */
function addUser(dataDir, name, flags = []) {
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

function startServer(name, demoDelayMs, extra = {}) {
  const dataDir = extra.dataDir ?? newDataDir(name);
  const args = ['-jar', jar, 'serve', '--port', '0', '--data-dir', dataDir, '--demo-delay-ms', String(demoDelayMs)];
  if (extra.auth) args.push('--auth', extra.auth);
  if (staticDir) args.push('--web-dir', staticDir);
  const proc = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(path.join(resultsDir, `server-${name}.log`));
  proc.stderr.pipe(log);
  const server = { name, proc, url: null, exited: false };
  servers.push(server);
  proc.on('exit', () => {
    server.exited = true;
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`server ${name} printed no listening line within 60 s`)), 60_000);
    proc.stdout.on('data', (chunk) => {
      log.write(chunk);
      if (server.url) return;
      buffer += chunk.toString();
      const m = buffer.match(/Lanechat listening on (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        server.url = m[1].replace(/\/$/, '');
        resolve(server);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      if (!server.url)
        reject(new Error(`server ${name} exited with ${code} before listening (see test-results/server-${name}.log)`));
    });
  });
}

function killServer(server) {
  if (!server.exited) server.proc.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// Page helpers

const STATUS = (state) => `.header .status[data-status="${state}"]`;

async function waitForStatus(page, state, timeout = 15_000) {
  await page.locator(STATUS(state)).waitFor({ timeout });
}

async function statusColor(page) {
  return page.locator('[data-testid="status-dot"]').evaluate((el) => getComputedStyle(el).backgroundColor);
}

async function send(page, text) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The completed answer that quotes `text` (the demo lane reflects the message). */
function answerFor(page, text) {
  return page.locator('.message.assistant[data-status="completed"]', { hasText: text });
}

/** Sends `text` and resolves with the ms, measured in the page, until its answer is in the DOM. */
async function sendAndTime(page, text) {
  await page.evaluate((t) => {
    window.__answerAt = null;
    const found = () =>
      [...document.querySelectorAll('.message.assistant[data-status="completed"]')].some((el) =>
        el.textContent.includes(t),
      );
    const observer = new MutationObserver(() => {
      if (window.__answerAt === null && found()) {
        window.__answerAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    window.__sentAt = performance.now();
  }, text);
  await send(page, text);
  await answerFor(page, text).waitFor({ timeout: 5_000 });
  return page.evaluate(() => Math.round(window.__answerAt - window.__sentAt));
}

/** A pending answer: the typing indicator, or (since issue 9) its partial text growing. */
const PENDING = '.message.assistant[data-status="queued"], .message.assistant[data-status="running"]';

function trackTaskRequests(page) {
  const seen = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/tasks/')) seen.push(req.url());
  });
  return seen;
}

async function newPage() {
  const page = await browserContext.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => console.error(`  [page error] ${err.message}`));
  return page;
}

/** A new page on `url`, once the app shows the socket up (green Connected). */
async function openConnected(url, { viewport } = {}) {
  const page = await newPage();
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(url);
  await waitForStatus(page, 'full');
  return page;
}

/** Sends `text` and waits for its completed answer. */
async function sendAndAwaitAnswer(page, text, timeout = 5_000) {
  await send(page, text);
  await answerFor(page, text).waitFor({ timeout });
}

/**
 * Puts the page's /ws behind a switch, before the page opens it: `cut()` closes the live sockets
 * and refuses new ones (the server stays up, so the API answers: a partial outage), `restore()`
 * lets the next reconnect through.
 */
async function socketSwitch(page) {
  let cut = false;
  const live = new Set();
  await page.routeWebSocket(
    (url) => url.pathname === '/ws',
    (ws) => {
      if (cut) {
        void ws.close({ code: 4000, reason: 'cut by test' });
        return;
      }
      live.add(ws);
      ws.onClose(() => live.delete(ws));
      ws.connectToServer();
    },
  );
  return {
    async cut() {
      cut = true;
      for (const ws of [...live]) await ws.close({ code: 4000, reason: 'cut by test' });
    },
    restore() {
      cut = false;
    },
  };
}

/** Signs in on the token-mode sign-in form and waits for the chat. */
async function signIn(page, token) {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('textbox', { name: 'Message' }).waitFor();
}

async function assertAnsweredOnce(page, text) {
  const n = await page.locator('.message.assistant', { hasText: text }).count();
  assert(n === 1, `answer duplicated: "${text}" shown ${n} times`);
}

async function shot(page, name) {
  try {
    await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });
  } catch {
    // the page may be gone
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Scenarios

const scenarios = [];
const scenario = (name, fn) => scenarios.push({ name, fn });

let fast; // demo delay 300 ms
let slow; // demo delay 3000 ms
let slower; // demo delay 8000 ms
let secured; // token mode, demo delay 300 ms
let admined; // token mode with an admin, demo delay 300 ms
let adminToken;
let securedToken;

scenario('send: the answer arrives over the socket, no /api/tasks request', async () => {
  const page = await newPage();
  const taskRequests = trackTaskRequests(page);
  await page.goto(fast.url + '/');
  await waitForStatus(page, 'full');
  assert((await page.locator(STATUS('full')).innerText()).includes('Connected'), 'status text is not "Connected"');
  assert((await statusColor(page)) === 'rgb(46, 125, 50)', 'status dot is not green');
  const elapsed = await sendAndTime(page, 'hello from e2e');
  assert(elapsed < 3_000, `the first answer took ${elapsed} ms (demo delay 300 ms)`);
  const meta = await answerFor(page, 'hello from e2e').locator('.meta').innerText();
  assert(/^demo · demo · \$0\.00$/.test(meta.trim()), `meta line is "${meta}"`);
  const elapsedSecond = await sendAndTime(page, 'please attach a file');
  assert(elapsedSecond < 1_500, `the second answer took ${elapsedSecond} ms (demo delay 300 ms)`);
  const withFile = answerFor(page, 'please attach a file');
  const href = await withFile.locator('.files a').first().getAttribute('href');
  assert(href && href.startsWith('/api/files/'), `file link href is ${href}`);
  const download = await page.request.get(fast.url + href);
  assert(download.ok(), `file download answered ${download.status()}`);
  assert(taskRequests.length === 0, `the page polled /api/tasks while the socket was up: ${taskRequests.join(', ')}`);
  assert(/\/c\/[^/]+$/.test(page.url()), `URL did not move to the conversation: ${page.url()}`);
  await shot(page, '01-send-over-socket');
  console.log(`  answers shown ${elapsed} ms (new conversation) and ${elapsedSecond} ms after Enter`);
  await page.close();
});

scenario(
  'socket cut: yellow Partial, answer by polling; socket back: green Connected, nothing duplicated',
  async () => {
    const page = await newPage();
    const taskRequests = trackTaskRequests(page);
    const socket = await socketSwitch(page);
    await page.goto(fast.url + '/');
    await waitForStatus(page, 'full');
    await sendAndAwaitAnswer(page, 'before the cut');

    await socket.cut();
    await waitForStatus(page, 'partial');
    assert((await page.locator(STATUS('partial')).innerText()).includes('Partial'), 'status text is not "Partial"');
    assert((await statusColor(page)) === 'rgb(249, 168, 37)', 'status dot is not yellow');
    await shot(page, '02a-socket-cut-partial');

    await sendAndAwaitAnswer(page, 'while the socket is cut', 8_000);
    assert(taskRequests.length > 0, 'no /api/tasks request: the answer did not come by polling');
    await shot(page, '02b-answer-by-polling');

    socket.restore();
    await waitForStatus(page, 'full', 15_000);
    assert((await statusColor(page)) === 'rgb(46, 125, 50)', 'status dot is not green after recovery');
    const pollsAtRecovery = taskRequests.length;
    await sendAndAwaitAnswer(page, 'after the socket is back');
    await sleep(2_500);
    assert(
      taskRequests.length === pollsAtRecovery,
      `polling went on after the socket was back (${taskRequests.length - pollsAtRecovery} more)`,
    );
    for (const text of ['before the cut', 'while the socket is cut', 'after the socket is back']) {
      const users = await page.locator('.message.user', { hasText: text }).count();
      const answers = await page.locator('.message.assistant', { hasText: text }).count();
      assert(users === 1 && answers === 1, `"${text}" shown ${users} user / ${answers} assistant times`);
    }
    const total = await page.locator('.messages > .message').count();
    assert(total === 6, `expected 6 messages, saw ${total}`);
    assert((await page.locator('.typing').count()) === 0, 'a typing indicator is left over');
    await shot(page, '02c-socket-back-connected');
    await page.close();
  },
);

scenario('reload mid-task shows the typing indicator again, then the answer', async () => {
  const page = await openConnected(slow.url + '/');
  await send(page, 'a slow question');
  await page.locator(PENDING).first().waitFor({ timeout: 2_000 });
  await page.waitForURL(/\/c\/[^/]+$/);
  await page.reload();
  await page.locator('.message.user', { hasText: 'a slow question' }).waitFor({ timeout: 2_000 });
  // Pending again: the typing indicator when the page joined mid-stream (the next progress frame
  // does not start at offset 0, so no broken partial text), or partial text when the lane had not
  // begun streaming before the reload.
  await page.locator(PENDING).first().waitFor({ timeout: 2_000 });
  await shot(page, '03a-reload-typing');
  await answerFor(page, 'a slow question').waitFor({ timeout: 8_000 });
  assert((await page.locator('.typing').count()) === 0, 'typing indicator still shown after the answer');
  await assertAnsweredOnce(page, 'a slow question');
  await shot(page, '03b-reload-answer');
  await page.close();
});

scenario(
  'socket lost while an answer is pending: it is polled, and polling stops once the socket is back',
  async () => {
    const page = await newPage();
    const taskRequests = trackTaskRequests(page);
    const socket = await socketSwitch(page);
    await page.goto(slower.url + '/');
    await waitForStatus(page, 'full');
    // Cut only once the send is answered (the task is registered as pending with the socket up);
    // a cut before that makes it a task sent while the socket is down, polled until it ends.
    const accepted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/messages$/.test(new URL(r.url()).pathname),
    );
    await send(page, 'pending when the socket drops');
    await accepted;
    await page.locator(PENDING).first().waitFor({ timeout: 2_000 });
    await sleep(200);
    await socket.cut();
    await waitForStatus(page, 'partial');
    const deadline = Date.now() + 4_000;
    while (taskRequests.length < 2 && Date.now() < deadline) await sleep(100);
    assert(
      taskRequests.length >= 2,
      `the pending task was polled ${taskRequests.length} times while the socket was down`,
    );
    socket.restore();
    await waitForStatus(page, 'full', 15_000);
    const pollsAtRecovery = taskRequests.length;
    await answerFor(page, 'pending when the socket drops').waitFor({ timeout: 10_000 });
    // One poll may already have been in flight when the socket came back.
    const after = taskRequests.length - pollsAtRecovery;
    assert(after <= 1, `${after} polls after the socket was back and ready`);
    await assertAnsweredOnce(page, 'pending when the socket drops');
    await shot(page, '04-pending-across-socket-loss');
    await page.close();
  },
);

scenario('streaming: the answer grows in place of the typing indicator before the final answer', async () => {
  const page = await openConnected(slow.url + '/');
  const text = 'stream these plain words one by one please';
  await page.evaluate(() => {
    window.__samples = [];
    const t0 = performance.now();
    const observer = new MutationObserver(() => {
      const el = document.querySelector('.message.assistant [data-streaming="true"]');
      const done = document.querySelector('.message.assistant[data-status="completed"]');
      const last = window.__samples[window.__samples.length - 1];
      const sample = {
        at: Math.round(performance.now() - t0),
        partial: el ? el.textContent : null,
        final: done ? done.querySelector('.markdown').textContent : null,
      };
      if (!last || last.partial !== sample.partial || last.final !== sample.final) window.__samples.push(sample);
      if (done) observer.disconnect();
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await send(page, text);
  await page.locator('[data-streaming="true"]').waitFor({ timeout: 3_000 });
  await shot(page, '10a-streaming-partial');
  await answerFor(page, text).waitFor({ timeout: 8_000 });
  const samples = await page.evaluate(() => window.__samples);
  const partials = samples.filter((s) => s.partial !== null && s.final === null);
  const final = samples.find((s) => s.final !== null);
  assert(final, 'no final answer sample');
  const lengths = partials.map((s) => s.partial.length);
  assert(new Set(lengths).size >= 2, `partial text did not grow before the final answer: ${JSON.stringify(lengths)}`);
  for (let i = 1; i < lengths.length; i += 1)
    assert(lengths[i] > lengths[i - 1], `partial text shrank: ${JSON.stringify(lengths)}`);
  for (const s of partials)
    assert(
      final.final.startsWith(s.partial.trimEnd()),
      `partial "${s.partial}" is not a prefix of the final "${final.final}"`,
    );
  const lead = final.at - partials[0].at;
  assert(lead >= 500, `first partial text only ${lead} ms before the final answer`);
  await assertAnsweredOnce(page, text);
  assert(
    (await page.locator('[data-streaming="true"], .typing').count()) === 0,
    'a partial answer or typing indicator is left over',
  );
  console.log(
    `  partial text ${partials.length} sizes ${JSON.stringify(lengths)}, first ${lead} ms before the final answer`,
  );
  await shot(page, '10b-streaming-final');
  await page.close();
});

scenario(
  'Stop mid-stream: the answer shows "Stopped" (not red), the task ends cancelled, a reload agrees',
  async () => {
    const page = await openConnected(slow.url + '/');
    await send(page, 'a long answer I will stop');
    await page.locator('[data-streaming="true"]').waitFor({ timeout: 3_000 });
    const stop = page.getByRole('button', { name: 'Stop', exact: true });
    await stop.click();
    const stopped = page.locator('.message.assistant[data-status="failed"] .bubble.stopped', { hasText: 'Stopped' });
    await stopped.waitFor({ timeout: 2_000 });
    assert(
      (await page.locator('.message.assistant [role="alert"]').count()) === 0,
      'the stopped answer is shown as a failure',
    );
    const color = await stopped.evaluate((el) => getComputedStyle(el).color);
    assert(color !== 'rgb(198, 40, 40)', 'the stopped answer is red');
    assert(
      (await page.locator('[data-streaming="true"], .typing').count()) === 0,
      'partial text or typing indicator left after Stop',
    );
    assert((await stop.count()) === 0, 'the Stop button is still there');
    await shot(page, '11a-stopped');
    const conversationId = page.url().split('/c/')[1];
    const conversation = await (await page.request.get(`${slow.url}/api/conversations/${conversationId}`)).json();
    const answer = conversation.messages.find((m) => m.role === 'assistant');
    const task = await (await page.request.get(`${slow.url}/api/tasks/${answer.task_id}`)).json();
    assert(task.status === 'failed' && task.error === 'cancelled', `task is ${task.status} / ${task.error}`);
    await sleep(1_000); // past the rest of the stream: no frame or answer comes back to life
    assert(
      (await page.locator('[data-streaming="true"], .message.assistant[data-status="completed"]').count()) === 0,
      'the stopped answer came back',
    );
    await page.reload();
    await page.locator('.message.assistant .bubble.stopped', { hasText: 'Stopped' }).waitFor({ timeout: 3_000 });
    await shot(page, '11b-stopped-after-reload');
    await page.close();
  },
);

scenario('two tabs of one user both show the answer', async () => {
  const first = await openConnected(fast.url + '/');
  await sendAndAwaitAnswer(first, 'opening message');
  const conversationUrl = first.url();
  const second = await openConnected(conversationUrl);
  await answerFor(second, 'opening message').waitFor({ timeout: 5_000 });
  await sendAndAwaitAnswer(first, 'seen in both tabs');
  await answerFor(second, 'seen in both tabs').waitFor({ timeout: 5_000 });
  for (const page of [first, second]) {
    const n = await page.locator('.message.assistant', { hasText: 'seen in both tabs' }).count();
    assert(n === 1, `a tab shows the answer ${n} times`);
  }
  await shot(first, '05a-tab-one');
  await shot(second, '05b-tab-two');
  await first.close();
  await second.close();
});

scenario('a hostile markdown answer runs no script', async () => {
  const page = await openConnected(fast.url + '/');
  const payloads = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=1</script>'];
  for (const p of payloads) {
    await send(page, p);
    await page
      .locator('.message.assistant[data-status="completed"]')
      .nth(payloads.indexOf(p))
      .waitFor({ timeout: 5_000 });
  }
  await sleep(500);
  const result = await page.evaluate(() => ({
    xss: typeof window.__xss,
    scripts: document.querySelectorAll('.messages script').length,
    images: document.querySelectorAll('.messages img').length,
    handlers: [...document.querySelectorAll('.messages *')].filter((el) =>
      el.getAttributeNames().some((a) => a.toLowerCase().startsWith('on')),
    ).length,
    answers: [...document.querySelectorAll('.message.assistant .markdown')].map((el) => el.textContent),
  }));
  assert(result.xss === 'undefined', `window.__xss is ${result.xss}`);
  assert(result.scripts === 0, `${result.scripts} script elements in the messages`);
  assert(result.handlers === 0, `${result.handlers} elements with on* handlers in the messages`);
  assert(result.images === 0, `${result.images} img elements in the messages`);
  assert(result.answers.length === 2, `expected 2 answers, saw ${result.answers.length}`);
  assert(
    result.answers[0].includes('<img src=x onerror="window.__xss=1">'),
    `the answer does not show the HTML as text: ${result.answers[0]}`,
  );
  assert(
    result.answers[1].includes('<script>window.__xss=1</script>'),
    `the answer does not show the HTML as text: ${result.answers[1]}`,
  );
  await shot(page, '06-hostile-markdown');
  await page.close();
});

scenario('phone width: the layout holds and the sidebar opens from the menu button', async () => {
  const page = await openConnected(fast.url + '/', { viewport: { width: 375, height: 740 } });
  await send(page, 'small screen check with a rather long line of text that has to wrap nicely');
  await answerFor(page, 'small screen check').waitFor({ timeout: 5_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `page is ${overflow}px wider than the phone screen`);
  await shot(page, '07a-phone');
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.locator('#sidebar').getByRole('link').first().waitFor();
  await shot(page, '07b-phone-sidebar');
  await page.close();
});

scenario('token mode: sign in with an API token, then chat', async () => {
  const page = await newPage();
  await page.goto(secured.url + '/');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('API token').fill('not-a-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('API token').fill(securedToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitForStatus(page, 'full');
  await sendAndAwaitAnswer(page, 'signed in message');
  await shot(page, '08-token-mode-signed-in');
  await page.close();
});

scenario('admin page: create a user, set its quota, and the quota stops its next send', async () => {
  const page = await newPage();
  await page.goto(admined.url + '/');
  await signIn(page, adminToken);
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByRole('heading', { name: 'Admin' }).waitFor();
  await page.getByLabel('Name', { exact: true }).fill('quinn');
  await page.getByRole('button', { name: 'Create' }).click();
  const token = ((await page.getByLabel('Token for quinn').textContent()) ?? '').trim();
  assert(token.startsWith('lc_'), `the new token is shown once: '${token}'`);
  await page.getByRole('button', { name: 'Set quota of quinn' }).click();
  const form = page.getByRole('form', { name: 'Quota of quinn' });
  await form.getByLabel('Messages a day').fill('1');
  await form.getByRole('button', { name: 'Save quota' }).click();
  await page.locator('tr[data-user="quinn"]', { hasText: '1 message a day' }).waitFor();
  await shot(page, '09-admin-page');

  // Sign the admin out (DELETE /api/session clears the cookie), then in as quinn.
  await page.evaluate(() => fetch('/api/session', { method: 'DELETE' }));
  await page.goto(admined.url + '/');
  await signIn(page, token);
  assert((await page.getByRole('link', { name: 'Admin' }).count()) === 0, 'no Admin link for a user');
  await sendAndAwaitAnswer(page, 'my one message today');
  await send(page, 'one message too many');
  const notice = page.getByRole('alert').filter({ hasText: 'quota' });
  await notice.waitFor();
  const text = (await notice.textContent()) ?? '';
  assert(/quota is used up/.test(text) && /1 message a day/.test(text) && /00:00 UTC/.test(text), `notice: ${text}`);
  assert((await answerFor(page, 'one message too many').count()) === 0, 'the refused message got no answer');
  await shot(page, '10-quota-used-up');
  await page.close();
});

scenario('API and socket down: red Disconnected', async () => {
  const page = await openConnected(fast.url + '/');
  killServer(fast);
  await waitForStatus(page, 'disconnected', 20_000);
  assert(
    (await page.locator(STATUS('disconnected')).innerText()).includes('Disconnected'),
    'status text is not "Disconnected"',
  );
  assert((await statusColor(page)) === 'rgb(198, 40, 40)', 'status dot is not red');
  await shot(page, '09-disconnected');
  await page.close();
});

// ---------------------------------------------------------------------------------------------
// Runner

async function main() {
  let passed = 0;
  let failed = 0;
  const budget = setTimeout(() => {
    console.error(`e2e: over the ${TOTAL_BUDGET_MS / 1000} s budget, giving up`);
    cleanup();
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, TOTAL_BUDGET_MS);
  try {
    if (!existsSync(jar)) throw new Error(`server jar not found: ${jar} (set LANECHAT_JAR)`);
    if (!existsSync(chromiumPath)) throw new Error(`no browser at ${chromiumPath}: apt-get install -y chromium`);
    const securedDir = newDataDir('token');
    securedToken = await addUser(securedDir, 'e2e');
    const adminDir = newDataDir('admin');
    adminToken = await addUser(adminDir, 'root', ['--admin']);
    [fast, slow, slower, secured, admined] = await Promise.all([
      startServer('fast', 300),
      startServer('slow', 3000),
      startServer('slower', 8000),
      startServer('token', 300, { auth: 'token', dataDir: securedDir }),
      startServer('admin', 300, { auth: 'token', dataDir: adminDir }),
    ]);
    console.log(
      `servers: ${fast.url} (300 ms), ${slow.url} (3000 ms), ${slower.url} (8000 ms), ${secured.url} (token mode)${staticDir ? `, web dir ${staticDir}` : ''}`,
    );
    const profile = mkdtempSync(path.join(tmpdir(), 'lanechat-e2e-profile-'));
    tempDirs.push(profile);
    browserContext = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath,
      headless: true,
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
      viewport: { width: 1200, height: 800 },
    });
  } catch (err) {
    console.error(`e2e setup failed: ${err.message}`);
    clearTimeout(budget);
    await cleanupAsync();
    console.log(`0 passed, ${scenarios.length} failed`);
    process.exit(1);
  }

  for (const { name, fn } of scenarios) {
    const started = Date.now();
    try {
      await fn();
      passed += 1;
      console.log(`ok - ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failed += 1;
      console.log(
        `not ok - ${name} (${Date.now() - started} ms)\n  ${String(err?.stack ?? err)
          .split('\n')
          .slice(0, 4)
          .join('\n  ')}`,
      );
      for (const page of browserContext.pages()) {
        await shot(page, `FAILED-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
        await page.close().catch(() => {});
      }
    }
  }
  clearTimeout(budget);
  await cleanupAsync();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

function cleanup() {
  for (const s of servers) killServer(s);
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

async function cleanupAsync() {
  if (browserContext) await browserContext.close().catch(() => {});
  cleanup();
}

// Never leave a server behind, however this process ends (Ctrl-C, a closed pipe, a crash).
process.on('exit', () => {
  for (const s of servers) killServer(s);
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => process.exit(130));
}
process.stdout.on('error', () => process.exit(1));

await main();
