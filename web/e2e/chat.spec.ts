// The chat page itself: two tabs of one user, hostile markdown, a phone-width screen.
import { expect, test } from './support/fixtures';
import { answerFor, openConnected, send, sendAndAwaitAnswer, shot, sleep } from './support/page';

declare global {
  interface Window {
    __xss?: number;
  }
}

test('two tabs of one user both show the answer', async ({ page: first, context, servers }) => {
  await openConnected(first, servers.fast + '/');
  await sendAndAwaitAnswer(first, 'opening message');
  const conversationUrl = first.url();
  const second = await context.newPage();
  second.setDefaultTimeout(10_000);
  await openConnected(second, conversationUrl);
  await answerFor(second, 'opening message').waitFor({ timeout: 5_000 });
  await sendAndAwaitAnswer(first, 'seen in both tabs');
  await answerFor(second, 'seen in both tabs').waitFor({ timeout: 5_000 });
  for (const page of [first, second]) {
    const n = await page.locator('.message.assistant', { hasText: 'seen in both tabs' }).count();
    expect(n, `a tab shows the answer ${n} times`).toBe(1);
  }
  await shot(first, '05a-tab-one');
  await shot(second, '05b-tab-two');
});

test('a hostile markdown answer runs no script', async ({ page, servers }) => {
  await openConnected(page, servers.fast + '/');
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
    answers: [...document.querySelectorAll('.message.assistant .markdown')].map((el) => el.textContent ?? ''),
  }));
  expect(result.xss, `window.__xss is ${result.xss}`).toBe('undefined');
  expect(result.scripts, `${result.scripts} script elements in the messages`).toBe(0);
  expect(result.handlers, `${result.handlers} elements with on* handlers in the messages`).toBe(0);
  expect(result.images, `${result.images} img elements in the messages`).toBe(0);
  expect(result.answers.length, `expected 2 answers, saw ${result.answers.length}`).toBe(2);
  expect(result.answers[0], `the answer does not show the HTML as text: ${result.answers[0]}`).toContain(
    '<img src=x onerror="window.__xss=1">',
  );
  expect(result.answers[1], `the answer does not show the HTML as text: ${result.answers[1]}`).toContain(
    '<script>window.__xss=1</script>',
  );
  await shot(page, '06-hostile-markdown');
});

test('phone width: the layout holds and the sidebar opens from the menu button', async ({ page, servers }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await openConnected(page, servers.fast + '/');
  await send(page, 'small screen check with a rather long line of text that has to wrap nicely');
  await answerFor(page, 'small screen check').waitFor({ timeout: 5_000 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `page is ${overflow}px wider than the phone screen`).toBeLessThanOrEqual(0);
  await shot(page, '07a-phone');
  await page.getByRole('button', { name: 'Conversations' }).click();
  await page.locator('#sidebar').getByRole('link').first().waitFor();
  await shot(page, '07b-phone-sidebar');
});
