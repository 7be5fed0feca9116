// The one MSW server of the Vitest run (msw/node intercepts the global fetch). setup.ts starts
// it before the tests and drops each test's handlers after it; a test adds its fake API with
// `mswServer.use(...fakeServer.handlers)` (startFakeBackend does), or a handler of its own in
// front of those (e.g. one that holds a request).
import { setupServer } from 'msw/node';

export const mswServer = setupServer();
