// Renders the real app tree (Layout + routes) in a memory router for page-level tests.
import { render } from '@testing-library/react';
import type { QueryClient } from '@tanstack/react-query';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter, Outlet, Route, Routes } from 'react-router';
import { Layout } from '../components/Layout';
import { Chat } from '../pages/Chat';

export function renderApp(client: QueryClient, path = '/') {
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route
            element={
              <Layout websocketOptions={{ url: 'ws://test/ws', random: () => 0 }}>
                <Outlet />
              </Layout>
            }
          >
            <Route index element={<Chat />} />
            <Route path="c/:conversationId" element={<Chat />} />
          </Route>
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}
