// Header: the app name, the sidebar toggle for narrow screens, and the connection status
// (a coloured dot plus its word: green Connected, yellow Partial, red Disconnected), the theme
// toggle, and for an admin a link to the admin page.
import { Link } from 'react-router';
import { useSocketStatus } from '../contexts/WebSocketContext';
import { useConnectionStatus, type ConnectionState } from '../hooks/use-connection-status';
import { SignOutButton } from '../features/session/components/SignOutButton';
import { ThemeToggle } from '../features/theme/components/ThemeToggle';

export const STATUS_DISPLAY: Record<ConnectionState, { color: string; label: string }> = {
  full: { color: '#2e7d32', label: 'Connected' },
  partial: { color: '#f9a825', label: 'Partial' },
  disconnected: { color: '#c62828', label: 'Disconnected' },
};

export interface HeaderProps {
  sidebarOpen?: boolean;
  onToggleSidebar?: () => void;
  /** Shows the link to /admin (the session's role is admin). */
  isAdmin?: boolean;
}

export function Header({ sidebarOpen = false, onToggleSidebar, isAdmin = false }: HeaderProps) {
  const isConnected = useSocketStatus();
  const { status, apiConnected, wsConnected } = useConnectionStatus(isConnected);
  const display = STATUS_DISPLAY[status];
  const detail = `API ${apiConnected ? 'reachable' : 'unreachable'}; live updates ${wsConnected ? 'on' : 'off'}`;
  return (
    <header className="header">
      {onToggleSidebar && (
        <button
          type="button"
          className="menu-button"
          aria-controls="sidebar"
          aria-expanded={sidebarOpen}
          onClick={onToggleSidebar}
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Conversations</span>
        </button>
      )}
      <span className="brand">Lanechat</span>
      {isAdmin && (
        <Link className="admin-link" to="/admin">
          Admin
        </Link>
      )}
      <div className="status" role="status" aria-live="polite" data-status={status} title={detail}>
        <span
          className="status-dot"
          data-testid="status-dot"
          aria-hidden="true"
          style={{ backgroundColor: display.color }}
        />
        <span className="status-text">{display.label}</span>
        <span className="sr-only">: {detail}</span>
      </div>
      <ThemeToggle />
      <SignOutButton />
    </header>
  );
}
