// KeyboardShortcuts: turns the page's shortcuts on (use-shortcuts.ts) and shows the "?" help
// dialog listing them. The dialog is modal: focus moves into it and back, Escape or the button
// closes it, and no other shortcut fires while it is open.
import { useEffect, useRef, useState } from 'react';
import { SHORTCUTS } from '../hooks/shortcuts';
import { useShortcuts } from '../hooks/use-shortcuts';

export function KeyboardShortcuts() {
  const [open, setOpen] = useState(false);
  useShortcuts({ onHelp: () => setOpen(true), disabled: open });
  return open ? <ShortcutHelp onClose={() => setOpen(false)} /> : null;
}

export function ShortcutHelp({ onClose }: { onClose: () => void }) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    close.current?.focus();
    return () => before?.focus();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcut-help-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            onClose();
          } else if (e.key === 'Tab') {
            e.preventDefault(); // one control inside: keep the focus in the dialog
            close.current?.focus();
          }
        }}
      >
        <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
        <dl className="shortcut-list">
          {SHORTCUTS.map((s) => (
            <div key={s.action}>
              <dt>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' + '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </dt>
              <dd>{s.description}</dd>
            </div>
          ))}
        </dl>
        <p className="muted">
          Single keys do nothing while you type in a text field; Esc and Shift + Esc still work there.
        </p>
        <button type="button" className="dialog-close" ref={close} onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
