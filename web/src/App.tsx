// App: routes ("/" a new chat, "/c/:conversationId" a conversation, "/admin" the admin page)
// inside the Layout.
import { BrowserRouter, Outlet, Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { Chat } from './pages/Chat';
import { AdminPage } from './features/admin/components/AdminPage';

function Shell() {
  return (
    <Layout>
      <Outlet />
    </Layout>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Shell />}>
          <Route index element={<Chat />} />
          <Route path="c/:conversationId" element={<Chat />} />
          <Route path="admin" element={<AdminPage />} />
          <Route path="*" element={<Chat />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
