// App: routes ("/" a new chat, "/c/:conversationId" a conversation) inside the Layout.
import { BrowserRouter, Outlet, Route, Routes } from 'react-router';
import { Layout } from './components/Layout';
import { Chat } from './pages/Chat';

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
          <Route path="*" element={<Chat />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
