// Page helpers shared by the specs: the connection status in the header, sending a message and
// waiting for (or timing) its answer, a switch that cuts the page's socket, screenshots.
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { webDir } from './server';

export const STATUS = (state: 'full' | 'partial' | 'disconnected') => `.header .status[data-status="${state}"]`;

/** The header's status dot colours: green Connected, yellow Partial, red Disconnected. */
export const GREEN = 'rgb(46, 125, 50)';
export const YELLOW = 'rgb(249, 168, 37)';
export const RED = 'rgb(198, 40, 40)';

/** A pending answer: the typing indicator, or (since issue 9) its partial text growing. */
export const PENDING = '.message.assistant[data-status="queued"], .message.assistant[data-status="running"]';

export async function waitForStatus(page: Page, state: 'full' | 'partial' | 'disconnected', timeout = 15_000) {
  await page.locator(STATUS(state)).waitFor({ timeout });
}

export async function statusColor(page: Page): Promise<string> {
  return page.locator('[data-testid="status-dot"]').evaluate((el) => getComputedStyle(el).backgroundColor);
}

export async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** The completed answer that quotes `text` (the demo lane reflects the message). */
export function answerFor(page: Page, text: string) {
  return page.locator('.message.assistant[data-status="completed"]', { hasText: text });
}

declare global {
  interface Window {
    __answerAt: number | null;
    __sentAt: number;
  }
}

/** Sends `text` and resolves with the ms, measured in the page, until its answer is in the DOM. */
export async function sendAndTime(page: Page, text: string): Promise<number> {
  await page.evaluate((t) => {
    window.__answerAt = null;
    const found = () =>
      [...document.querySelectorAll('.message.assistant[data-status="completed"]')].some((el) =>
        (el.textContent ?? '').includes(t),
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
  return page.evaluate(() => Math.round((window.__answerAt ?? NaN) - window.__sentAt));
}

/** Sends `text` and waits for its completed answer. */
export async function sendAndAwaitAnswer(page: Page, text: string, timeout = 5_000) {
  await send(page, text);
  await answerFor(page, text).waitFor({ timeout });
}

/** Opens `url` and waits until the app shows the socket up (green Connected). */
export async function openConnected(page: Page, url: string) {
  await page.goto(url);
  await waitForStatus(page, 'full');
  return page;
}

/** Collects the URLs of the page's `/api/tasks/…` requests (polls). */
export function trackTaskRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    if (new URL(req.url()).pathname.startsWith('/api/tasks/')) seen.push(req.url());
  });
  return seen;
}

/**
 * Puts the page's /ws behind a switch, before the page opens it: `cut()` closes the live sockets
 * and refuses new ones (the server stays up, so the API answers: a partial outage), `restore()`
 * lets the next reconnect through.
 */
export async function socketSwitch(page: Page) {
  let cut = false;
  const live = new Set<import('@playwright/test').WebSocketRoute>();
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

export async function expectAnsweredOnce(page: Page, text: string) {
  const n = await page.locator('.message.assistant', { hasText: text }).count();
  expect(n, `answer duplicated: "${text}" shown ${n} times`).toBe(1);
}

/** A full-page screenshot in test-results/shots/ (kept, for a human to look at). */
export async function shot(page: Page, name: string) {
  try {
    await page.screenshot({ path: path.join(webDir, 'test-results', 'shots', `${name}.png`), fullPage: true });
  } catch {
    // the page may be gone
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
