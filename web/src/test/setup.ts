// Vitest setup: jest-dom matchers, a clean DOM after each test, and TanStack Query notifications
// scheduled on the (possibly faked) global setTimeout so fake timers drive them.
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { notifyManager } from '@tanstack/react-query';
import { afterEach } from 'vitest';

notifyManager.setScheduler((callback) => {
  setTimeout(callback, 0);
});

afterEach(() => {
  cleanup();
});
