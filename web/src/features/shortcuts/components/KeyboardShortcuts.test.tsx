// Tests for the keyboard shortcuts on a small page of their targets (a sidebar's links, the
// message box, a search box, Stop buttons): each action, the "?" help dialog, and that single keys
// do not fire while typing in a field while the Escape ones do.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { KeyboardShortcuts } from './KeyboardShortcuts';
import { SHORTCUTS } from '../hooks/shortcuts';

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

function Page({ path = '/c/b', search = true, onStop = () => undefined }) {
  const link = (id: string) => (
    <a className="conversation-link" href={`/c/${id}`} aria-current={path === `/c/${id}` ? 'page' : undefined}>
      {id}
    </a>
  );
  return (
    <MemoryRouter initialEntries={[path]}>
      <KeyboardShortcuts />
      <Where />
      <nav id="sidebar">
        {link('a')}
        {link('b')}
        {link('c')}
      </nav>
      {search && <input aria-label="Search" data-shortcut-target="search" />}
      <button type="button" data-shortcut-target="stop" disabled>
        Stop old
      </button>
      <button type="button" data-shortcut-target="stop" onClick={onStop}>
        Stop
      </button>
      <button type="button" data-shortcut-target="stop" disabled>
        Stop (not started)
      </button>
      <textarea aria-label="Message" data-shortcut-target="composer" />
    </MemoryRouter>
  );
}

const where = () => screen.getByTestId('where').textContent;
const press = (key: string, init: KeyboardEventInit = {}, target: Element = document.body) =>
  act(() => {
    fireEvent.keyDown(target, { key, ...init });
  });

afterEach(() => {
  vi.useRealTimers();
});

describe('keyboard shortcuts', () => {
  it('j and k switch to the next and previous conversation of the sidebar', () => {
    render(<Page path="/c/b" />);
    press('j');
    expect(where()).toBe('/c/c');
  });

  it('k goes up, and nothing happens past the ends', () => {
    const { unmount } = render(<Page path="/c/a" />);
    press('k');
    expect(where()).toBe('/c/a');
    unmount();
    render(<Page path="/c/b" />);
    press('k');
    expect(where()).toBe('/c/a');
  });

  it('n opens a new conversation and puts the focus in the message box', () => {
    vi.useFakeTimers();
    render(<Page path="/c/b" />);
    press('n');
    act(() => {
      vi.runAllTimers();
    });
    expect(where()).toBe('/');
    expect(screen.getByLabelText('Message')).toHaveFocus();
  });

  it('/ focuses the search box, and is a no-op without one', () => {
    const { unmount } = render(<Page />);
    press('/');
    expect(screen.getByLabelText('Search')).toHaveFocus();
    unmount();
    render(<Page search={false} />);
    const event = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true });
    act(() => {
      document.body.dispatchEvent(event);
    });
    expect(event.defaultPrevented).toBe(false); // the key is left to the browser
    expect(document.activeElement).toBe(document.body);
  });

  it('Esc stops the pending answer that can be stopped, even from the message box', () => {
    const onStop = vi.fn();
    render(<Page onStop={onStop} />);
    const box = screen.getByLabelText('Message');
    box.focus();
    press('Escape', {}, box);
    expect(onStop).toHaveBeenCalledTimes(1);
  });

  it('Shift+Esc focuses the message box from anywhere, also from the search box', () => {
    render(<Page />);
    const search = screen.getByLabelText('Search');
    search.focus();
    press('Escape', { shiftKey: true }, search);
    expect(screen.getByLabelText('Message')).toHaveFocus();
  });

  it('single keys do nothing while typing in a field', () => {
    render(<Page path="/c/b" />);
    const box = screen.getByLabelText('Message');
    box.focus();
    for (const key of ['j', 'k', 'n', '/', '?']) press(key, key === '?' ? { shiftKey: true } : {}, box);
    expect(where()).toBe('/c/b');
    expect(box).toHaveFocus();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('leaves keys with Ctrl, Alt or Meta to the browser', () => {
    render(<Page path="/c/b" />);
    press('j', { ctrlKey: true });
    press('j', { altKey: true });
    press('j', { metaKey: true });
    expect(where()).toBe('/c/b');
  });

  it('? lists every shortcut in a dialog that Esc closes, returning the focus', () => {
    render(<Page path="/c/b" />);
    const opener = screen.getByRole('button', { name: 'Stop' });
    opener.focus();
    press('?', { shiftKey: true }, opener);
    const dialog = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    for (const s of SHORTCUTS) expect(dialog).toHaveTextContent(s.description);
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
    press('j', {}, screen.getByRole('button', { name: 'Close' })); // no shortcut under the dialog
    expect(where()).toBe('/c/b');
    press('Escape', {}, screen.getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
  });
});
