// Layout: the page frame — WebSocketProvider (one socket per tab) around the Header, the
// conversation sidebar and the main content (or the sign-in form in token mode), and the
// keyboard shortcuts once signed in.
import { useState, type ReactNode } from 'react';
import { WebSocketProvider, useSocketReconnect } from '../contexts/WebSocketContext';
import type { UseWebSocketOptions } from '../hooks/use-websocket';
import { useSession } from '../features/session/hooks/use-session';
import { Header } from './Header';
import { ConversationSidebar } from '../features/conversations/components/ConversationSidebar';
import { SignIn } from '../features/session/components/SignIn';
import { KeyboardShortcuts } from '../features/shortcuts/components/KeyboardShortcuts';
import { SearchPanel } from '../features/search/components/SearchPanel';
import { NotificationToggle } from '../features/notifications/components/NotificationToggle';
import { TransferMenu } from '../features/transfer/components/TransferMenu';
import { AwayWatch } from './AwayWatch';
import { useSingleSignOn } from '../features/session/hooks/use-single-sign-on';

export interface LayoutProps {
  children: ReactNode;
  websocketOptions?: UseWebSocketOptions;
}

export function Layout({ children, websocketOptions }: LayoutProps) {
  return (
    <WebSocketProvider options={websocketOptions}>
      <Frame>{children}</Frame>
    </WebSocketProvider>
  );
}

function Frame({ children }: { children: ReactNode }) {
  const singleSignOn = useSingleSignOn();
  const [sidebarOpen, setSidebarOpen] = useState(false);
  const reconnect = useSocketReconnect();
  const { session, needsSignIn, signIn, signInError, isSigningIn } = useSession(reconnect);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to chat
      </a>
      <Header
        sidebarOpen={sidebarOpen}
        onToggleSidebar={needsSignIn ? undefined : () => setSidebarOpen((o) => !o)}
        isAdmin={!needsSignIn && session?.role === 'admin'}
      />
      {!needsSignIn && <KeyboardShortcuts />}
      <div className="body">
        {!needsSignIn && <AwayWatch />}
        {!needsSignIn && (
          <ConversationSidebar
            open={sidebarOpen}
            onNavigate={() => setSidebarOpen(false)}
            wrapList={(list) => <SearchPanel onNavigate={() => setSidebarOpen(false)}>{list}</SearchPanel>}
            footer={
              <>
                <TransferMenu />
                <NotificationToggle />
              </>
            }
          />
        )}
        <main id="main" className="main" tabIndex={-1}>
          {needsSignIn ? (
            <SignIn
              onSignIn={signIn}
              error={signInError?.message ?? null}
              busy={isSigningIn}
              singleSignOn={singleSignOn}
            />
          ) : (
            children
          )}
        </main>
      </div>
    </div>
  );
}
