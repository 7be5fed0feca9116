// Layout: the page frame — WebSocketProvider (one socket per tab) around the Header, the
// conversation sidebar and the main content.
import { useState, type ReactNode } from 'react';
import { WebSocketProvider } from '../contexts/WebSocketContext';
import type { UseWebSocketOptions } from '../hooks/use-websocket';
import { Header } from './Header';
import { ConversationSidebar } from './ConversationSidebar';

export interface LayoutProps {
  children: ReactNode;
  websocketOptions?: UseWebSocketOptions;
}

export function Layout({ children, websocketOptions }: LayoutProps) {
  const [sidebarOpen, setSidebarOpen] = useState(false);
  return (
    <WebSocketProvider options={websocketOptions}>
      <div className="app">
        <a className="skip-link" href="#main">Skip to chat</a>
        <Header sidebarOpen={sidebarOpen} onToggleSidebar={() => setSidebarOpen((o) => !o)} />
        <div className="body">
          <ConversationSidebar open={sidebarOpen} onNavigate={() => setSidebarOpen(false)} />
          <main id="main" className="main" tabIndex={-1}>
            {children}
          </main>
        </div>
      </div>
    </WebSocketProvider>
  );
}
