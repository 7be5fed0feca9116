// TanStack Query keys used across the app (one place, so invalidation hits what it means to).
export const conversationKeys = {
  all: ['conversations'] as const,
  list: () => ['conversations', 'list'] as const,
  details: () => ['conversations', 'detail'] as const,
  detail: (id: string) => ['conversations', 'detail', id] as const,
};

export const laneKeys = {
  all: ['lanes'] as const,
};

export const healthKeys = {
  all: ['health'] as const,
};

export const sessionKeys = {
  all: ['session'] as const,
};

export const taskKeys = {
  all: ['tasks'] as const,
  detail: (id: string) => ['tasks', 'detail', id] as const,
};

export const searchKeys = {
  all: ['search'] as const,
  query: (q: string) => ['search', q] as const,
};

export const adminKeys = {
  all: ['admin'] as const,
  users: () => ['admin', 'users'] as const,
};
