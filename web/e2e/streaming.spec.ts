// Answers that take seconds (the 3000 ms demo lane): a reload mid-task, the answer growing from
// `progress` frames, and Stop mid-stream.
import { expect, test } from './support/fixtures';
import { PENDING, RED, answerFor, expectAnsweredOnce, openConnected, send, shot, sleep } from './support/page';

interface Sample {
  at: number;
  partial: string | null;
  final: string | null;
}
declare global {
  interface Window {
    __samples: Sample[];
  }
}

test('reload mid-task shows the typing indicator again, then the answer', async ({ page, servers }) => {
  await openConnected(page, servers.slow + '/');
  await send(page, 'a slow question');
  await page.locator(PENDING).first().waitFor({ timeout: 2_000 });
  await page.waitForURL(/\/c\/[^/]+$/);
  await page.reload();
  await page.locator('.message.user', { hasText: 'a slow question' }).waitFor({ timeout: 2_000 });
  // Pending again: with the text so far when the lane had begun streaming (the read and the
  // socket's snapshot carry it, E13; resume.spec.ts times it), else the typing indicator.
  await page.locator(PENDING).first().waitFor({ timeout: 2_000 });
  await shot(page, '03a-reload-typing');
  await answerFor(page, 'a slow question').waitFor({ timeout: 8_000 });
  expect(await page.locator('.typing').count(), 'typing indicator still shown after the answer').toBe(0);
  await expectAnsweredOnce(page, 'a slow question');
  await shot(page, '03b-reload-answer');
});

test('streaming: the answer grows in place of the typing indicator before the final answer', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.slow + '/');
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
        final: done ? (done.querySelector('.markdown')?.textContent ?? null) : null,
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
  expect(final, 'no final answer sample').toBeTruthy();
  const finalText = final?.final ?? '';
  const lengths = partials.map((s) => (s.partial ?? '').length);
  expect(
    new Set(lengths).size,
    `partial text did not grow before the final answer: ${JSON.stringify(lengths)}`,
  ).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < lengths.length; i += 1)
    expect(lengths[i], `partial text shrank: ${JSON.stringify(lengths)}`).toBeGreaterThan(lengths[i - 1]);
  for (const s of partials)
    expect(
      finalText.startsWith((s.partial ?? '').trimEnd()),
      `partial "${s.partial}" is not a prefix of the final "${finalText}"`,
    ).toBe(true);
  const lead = (final?.at ?? 0) - partials[0].at;
  expect(lead, `first partial text only ${lead} ms before the final answer`).toBeGreaterThanOrEqual(500);
  await expectAnsweredOnce(page, text);
  expect(
    await page.locator('[data-streaming="true"], .typing').count(),
    'a partial answer or typing indicator is left over',
  ).toBe(0);
  console.log(
    `  partial text ${partials.length} sizes ${JSON.stringify(lengths)}, first ${lead} ms before the final answer`,
  );
  await shot(page, '10b-streaming-final');
});

test('Stop mid-stream: the answer shows "Stopped" (not red), the task ends cancelled, a reload agrees', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.slow + '/');
  await send(page, 'a long answer I will stop');
  await page.locator('[data-streaming="true"]').waitFor({ timeout: 3_000 });
  const stop = page.getByRole('button', { name: 'Stop', exact: true });
  await stop.click();
  const stopped = page.locator('.message.assistant[data-status="failed"] .bubble.stopped', { hasText: 'Stopped' });
  await stopped.waitFor({ timeout: 2_000 });
  expect(
    await page.locator('.message.assistant [role="alert"]').count(),
    'the stopped answer is shown as a failure',
  ).toBe(0);
  const color = await stopped.evaluate((el) => getComputedStyle(el).color);
  expect(color, 'the stopped answer is red').not.toBe(RED);
  expect(
    await page.locator('[data-streaming="true"], .typing').count(),
    'partial text or typing indicator left after Stop',
  ).toBe(0);
  expect(await stop.count(), 'the Stop button is still there').toBe(0);
  await shot(page, '11a-stopped');
  const conversationId = page.url().split('/c/')[1];
  const conversation = await (await page.request.get(`${servers.slow}/api/conversations/${conversationId}`)).json();
  const answer = conversation.messages.find((m: { role: string }) => m.role === 'assistant');
  const task = await (await page.request.get(`${servers.slow}/api/tasks/${answer.task_id}`)).json();
  expect([task.status, task.error], `task is ${task.status} / ${task.error}`).toEqual(['failed', 'cancelled']);
  await sleep(1_000); // past the rest of the stream: no frame or answer comes back to life
  expect(
    await page.locator('[data-streaming="true"], .message.assistant[data-status="completed"]').count(),
    'the stopped answer came back',
  ).toBe(0);
  await page.reload();
  await page.locator('.message.assistant .bubble.stopped', { hasText: 'Stopped' }).waitFor({ timeout: 3_000 });
  await shot(page, '11b-stopped-after-reload');
});
