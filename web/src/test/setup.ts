// Vitest setup: jest-dom matchers, a clean DOM after each test, the MSW server (src/test/msw.ts)
// listening with each test's handlers dropped after it, and TanStack Query notifications
// scheduled on the (possibly faked) global setTimeout so fake timers drive them.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { notifyManager } from '@tanstack/react-query';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { mswServer } from './msw';

notifyManager.setScheduler((callback) => {
  setTimeout(callback, 0);
});

// A request no handler answers fails the test rather than reaching a network.
beforeAll(() => mswServer.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  mswServer.resetHandlers();
});
afterAll(() => mswServer.close());
