// Issue 18 (protocol.md E13): a stopped answer keeps the text it had written, also after a
// reload; a reload in the middle of a long streamed answer shows the text so far at once, then
// the rest growing, then the final answer once.
import { expect, test } from './support/fixtures';
import { answerFor, expectAnsweredOnce, openConnected, send, shot } from './support/page';

interface ResumeSample {
  at: number;
  partial: string | null;
  final: string | null;
}
declare global {
  interface Window {
    __resume: { loadAt: number | null; samples: ResumeSample[] };
  }
}

/** What the demo lane answers to `text`. */
const demoAnswer = (text: string) => `You said: "${text}" (${text.split(/\s+/).length} words).`;

test('Stop mid-stream keeps the text written so far, with "Stopped", also after a reload', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.slow + '/');
  const text = 'a long answer that I stop halfway through';
  await send(page, text);
  const streaming = page.locator('[data-streaming="true"]');
  await expect(streaming).toContainText('answer', { timeout: 3_000 }); // its second piece
  await page.getByRole('button', { name: 'Stop', exact: true }).click();

  const stopped = page.locator('.message.assistant[data-status="failed"]');
  await stopped.locator('.bubble.stopped', { hasText: 'Stopped' }).waitFor({ timeout: 2_000 });
  const kept = (await stopped.locator('[data-stopped-text="true"]').textContent())?.trim() ?? '';
  expect(kept.length, 'the stopped answer shows no text').toBeGreaterThan(0);
  expect(demoAnswer(text).startsWith(kept), `"${kept}" is not the start of the answer`).toBe(true);
  expect(kept, 'the whole answer came, not a part').not.toBe(demoAnswer(text));
  await shot(page, '18a-stopped-with-text');

  await page.reload();
  const again = page.locator('.message.assistant[data-status="failed"]');
  await again.locator('.bubble.stopped', { hasText: 'Stopped' }).waitFor({ timeout: 3_000 });
  await expect(again.locator('[data-stopped-text="true"]')).toHaveText(kept);
  expect(await page.locator('.message.assistant [role="alert"]').count(), 'shown as a failure').toBe(0);
  await shot(page, '18b-stopped-with-text-after-reload');
});

test('reload mid-stream: the text so far within 1 s of load, then growing, then the final answer once', async ({
  page,
  servers,
}) => {
  await openConnected(page, servers.slower + '/');
  const text = 'tell me a long story in many small pieces please';
  await send(page, text);
  const streaming = page.locator('[data-streaming="true"]');
  await expect(streaming).toContainText('long story', { timeout: 5_000 }); // two of five pieces
  const before = (await streaming.textContent()) ?? '';
  await page.waitForURL(/\/c\/[^/]+$/);

  // Samples from the reloaded page's first moment: when the text so far shows, how it grows.
  await page.addInitScript(() => {
    window.__resume = { loadAt: null, samples: [] };
    window.addEventListener('load', () => {
      window.__resume.loadAt = performance.now();
    });
    const observer = new MutationObserver(() => {
      const el = document.querySelector('.message.assistant [data-streaming="true"]');
      const done = document.querySelector('.message.assistant[data-status="completed"]');
      const samples = window.__resume.samples;
      const last = samples[samples.length - 1];
      const sample = {
        at: Math.round(performance.now()),
        partial: el ? el.textContent : null,
        final: done ? (done.querySelector('.markdown')?.textContent ?? null) : null,
      };
      if (!last || last.partial !== sample.partial || last.final !== sample.final) samples.push(sample);
      if (done) observer.disconnect();
    });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.reload();
  await answerFor(page, text).waitFor({ timeout: 10_000 });
  const { loadAt, samples } = await page.evaluate(() => window.__resume);

  const partials = samples.filter((s) => s.partial !== null && s.partial.length > 0 && s.final === null);
  const final = samples.find((s) => s.final !== null)?.final ?? '';
  expect(final.trim()).toBe(demoAnswer(text));
  expect(partials.length, 'no text so far was shown after the reload').toBeGreaterThan(0);
  const first = partials[0];
  expect(loadAt, 'the page never loaded').not.toBeNull();
  const wait = first.at - (loadAt ?? 0);
  expect(wait, `the text so far showed ${wait} ms after the load`).toBeLessThanOrEqual(1_000);
  expect(
    (first.partial ?? '').length,
    `the first text after the reload "${first.partial}" is shorter than before it "${before}"`,
  ).toBeGreaterThanOrEqual(before.trimEnd().length);
  const lengths = partials.map((s) => (s.partial ?? '').length);
  expect(new Set(lengths).size, `the text did not grow: ${JSON.stringify(lengths)}`).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < lengths.length; i += 1)
    expect(lengths[i], `the text shrank: ${JSON.stringify(lengths)}`).toBeGreaterThan(lengths[i - 1]);
  for (const s of partials)
    expect(final.startsWith((s.partial ?? '').trimEnd()), `"${s.partial}" is not a prefix of "${final}"`).toBe(true);
  await expectAnsweredOnce(page, text);
  expect(await page.locator('[data-streaming="true"], .typing').count(), 'a preview is left over').toBe(0);
  console.log(`  text so far ${Math.round(wait)} ms after load, sizes ${JSON.stringify(lengths)}`);
  await shot(page, '18c-resumed-final');
});
