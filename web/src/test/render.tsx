// Test helpers: a fresh QueryClient wrapper and fake-time flushing that lets fetches resolve.
import type { ReactNode } from 'react';
import { act } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { vi } from 'vitest';

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, gcTime: Infinity, staleTime: 0 },
      mutations: { retry: false, gcTime: Infinity },
    },
  });
}

export function wrapperFor(client: QueryClient) {
  return function Wrapper({ children }: { children: ReactNode }) {
    return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  };
}

/** Advances fake time by `ms` in small steps, letting promises (fetch, React) settle between. */
export async function tick(ms = 0): Promise<void> {
  const step = 50;
  let left = ms;
  do {
    const now = Math.min(step, left);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(now);
    });
    left -= now;
  } while (left > 0);
  // Zero-delay timers (TanStack's notifications) run 1 ms later under fake timers: settle them.
  for (let i = 0; i < 5; i += 1) {
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1);
    });
  }
}
