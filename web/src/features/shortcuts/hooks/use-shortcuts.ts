// useShortcuts: one keydown listener on the window that performs SHORTCUTS (shortcuts.ts);
// opening the help dialog is the caller's (it renders it).
import { useEffect, useRef } from 'react';
import { useNavigate } from 'react-router';
import { neighbourConversation, shortcutFor, shortcutTarget } from './shortcuts';

function focusComposer(): boolean {
  const box = shortcutTarget('composer');
  box?.focus();
  return box !== null;
}

export function useShortcuts({ onHelp, disabled }: { onHelp: () => void; disabled: boolean }): void {
  const navigate = useNavigate();
  const onHelpRef = useRef(onHelp);
  useEffect(() => {
    onHelpRef.current = onHelp;
  });

  useEffect(() => {
    if (disabled) return;
    const onKeyDown = (e: KeyboardEvent) => {
      const shortcut = shortcutFor(e);
      if (!shortcut) return;
      let handled = true;
      switch (shortcut.action) {
        case 'new':
          navigate('/');
          // The chat page's composer is there after the route has rendered.
          setTimeout(focusComposer, 0);
          break;
        case 'composer':
          handled = focusComposer();
          break;
        case 'search': {
          const box = shortcutTarget('search');
          box?.focus();
          handled = box !== null;
          break;
        }
        case 'stop': {
          const stop = shortcutTarget('stop');
          stop?.click();
          handled = stop !== null;
          break;
        }
        case 'next':
        case 'previous': {
          const href = neighbourConversation(shortcut.action === 'next' ? 1 : -1);
          if (href) navigate(href);
          handled = href !== null;
          break;
        }
        case 'help':
          onHelpRef.current();
          break;
      }
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [navigate, disabled]);
}
