// The socket and its HTTP fallback: answers pushed with no polling; a cut socket gives yellow
// Partial and answers by polling, and its return green Connected with nothing shown twice.
import { expect, test } from './support/fixtures';
import {
  GREEN,
  PENDING,
  STATUS,
  YELLOW,
  answerFor,
  expectAnsweredOnce,
  send,
  sendAndAwaitAnswer,
  sendAndTime,
  shot,
  sleep,
  socketSwitch,
  statusColor,
  trackTaskRequests,
  waitForStatus,
} from './support/page';

test('send: the answer arrives over the socket, no /api/tasks request', async ({ page, servers }) => {
  const taskRequests = trackTaskRequests(page);
  await page.goto(servers.fast + '/');
  await waitForStatus(page, 'full');
  expect(await page.locator(STATUS('full')).innerText(), 'status text is not "Connected"').toContain('Connected');
  expect(await statusColor(page), 'status dot is not green').toBe(GREEN);
  const elapsed = await sendAndTime(page, 'hello from e2e');
  expect(elapsed, `the first answer took ${elapsed} ms (demo delay 300 ms)`).toBeLessThan(3_000);
  const meta = await answerFor(page, 'hello from e2e').locator('.meta').innerText();
  expect(meta.trim(), `meta line is "${meta}"`).toMatch(/^demo · demo · \$0\.00$/);
  const elapsedSecond = await sendAndTime(page, 'please attach a file');
  expect(elapsedSecond, `the second answer took ${elapsedSecond} ms (demo delay 300 ms)`).toBeLessThan(1_500);
  const withFile = answerFor(page, 'please attach a file');
  const href = await withFile.locator('.files a').first().getAttribute('href');
  expect(href?.startsWith('/api/files/'), `file link href is ${href}`).toBe(true);
  const download = await page.request.get(servers.fast + href);
  expect(download.ok(), `file download answered ${download.status()}`).toBe(true);
  expect(taskRequests, `the page polled /api/tasks while the socket was up: ${taskRequests.join(', ')}`).toEqual([]);
  expect(page.url(), `URL did not move to the conversation: ${page.url()}`).toMatch(/\/c\/[^/]+$/);
  await shot(page, '01-send-over-socket');
  console.log(`  answers shown ${elapsed} ms (new conversation) and ${elapsedSecond} ms after Enter`);
});

test('socket cut: yellow Partial, answer by polling; socket back: green Connected, nothing duplicated', async ({
  page,
  servers,
}) => {
  const taskRequests = trackTaskRequests(page);
  const socket = await socketSwitch(page);
  await page.goto(servers.fast + '/');
  await waitForStatus(page, 'full');
  await sendAndAwaitAnswer(page, 'before the cut');

  await socket.cut();
  await waitForStatus(page, 'partial');
  expect(await page.locator(STATUS('partial')).innerText(), 'status text is not "Partial"').toContain('Partial');
  expect(await statusColor(page), 'status dot is not yellow').toBe(YELLOW);
  await shot(page, '02a-socket-cut-partial');

  await sendAndAwaitAnswer(page, 'while the socket is cut', 8_000);
  expect(taskRequests.length, 'no /api/tasks request: the answer did not come by polling').toBeGreaterThan(0);
  await shot(page, '02b-answer-by-polling');

  socket.restore();
  await waitForStatus(page, 'full', 15_000);
  expect(await statusColor(page), 'status dot is not green after recovery').toBe(GREEN);
  const pollsAtRecovery = taskRequests.length;
  await sendAndAwaitAnswer(page, 'after the socket is back');
  await sleep(2_500);
  expect(
    taskRequests.length,
    `polling went on after the socket was back (${taskRequests.length - pollsAtRecovery} more)`,
  ).toBe(pollsAtRecovery);
  for (const text of ['before the cut', 'while the socket is cut', 'after the socket is back']) {
    const users = await page.locator('.message.user', { hasText: text }).count();
    const answers = await page.locator('.message.assistant', { hasText: text }).count();
    expect([users, answers], `"${text}" shown ${users} user / ${answers} assistant times`).toEqual([1, 1]);
  }
  const total = await page.locator('.messages > .message').count();
  expect(total, `expected 6 messages, saw ${total}`).toBe(6);
  expect(await page.locator('.typing').count(), 'a typing indicator is left over').toBe(0);
  await shot(page, '02c-socket-back-connected');
});

test('socket lost while an answer is pending: it is polled, and polling stops once the socket is back', async ({
  page,
  servers,
}) => {
  const taskRequests = trackTaskRequests(page);
  const socket = await socketSwitch(page);
  await page.goto(servers.slower + '/');
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
  expect(
    taskRequests.length,
    `the pending task was polled ${taskRequests.length} times while the socket was down`,
  ).toBeGreaterThanOrEqual(2);
  socket.restore();
  await waitForStatus(page, 'full', 15_000);
  const pollsAtRecovery = taskRequests.length;
  await answerFor(page, 'pending when the socket drops').waitFor({ timeout: 10_000 });
  // One poll may already have been in flight when the socket came back.
  const after = taskRequests.length - pollsAtRecovery;
  expect(after, `${after} polls after the socket was back and ready`).toBeLessThanOrEqual(1);
  await expectAnsweredOnce(page, 'pending when the socket drops');
  await shot(page, '04-pending-across-socket-loss');
});
