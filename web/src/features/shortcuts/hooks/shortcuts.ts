// The keyboard shortcuts: one table that both the key handler and the "?" help dialog read.
// Single keys (n, /, j, k, ?) never fire while the focus is in a text field, where they are typing;
// only the Escape ones do. Keys with Ctrl, Alt or ⌘ are left to the browser.
//
// Targets are found in the page by data-shortcut-target ("composer", "search", "stop") and the
// sidebar's conversation links, so features stay apart: the search box (the integrator's) becomes
// reachable by carrying data-shortcut-target="search"; without one, "/" does nothing.

export type ShortcutAction = 'new' | 'composer' | 'search' | 'stop' | 'next' | 'previous' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** Keys as shown in the help dialog. */
  keys: string[];
  description: string;
  /** Whether it also fires while the focus is in a text field. */
  inFields: boolean;
  matches: (e: KeyboardEvent) => boolean;
}

const plain = (key: string) => (e: KeyboardEvent) => e.key === key && !e.shiftKey;

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'new', keys: ['n'], description: 'New conversation', inFields: false, matches: plain('n') },
  {
    action: 'composer',
    keys: ['Shift', 'Esc'],
    description: 'Focus the message box',
    inFields: true,
    matches: (e) => e.key === 'Escape' && e.shiftKey,
  },
  { action: 'search', keys: ['/'], description: 'Search conversations', inFields: false, matches: plain('/') },
  {
    action: 'stop',
    keys: ['Esc'],
    description: 'Stop the answer being written',
    inFields: true,
    matches: plain('Escape'),
  },
  { action: 'next', keys: ['j'], description: 'Next conversation', inFields: false, matches: plain('j') },
  { action: 'previous', keys: ['k'], description: 'Previous conversation', inFields: false, matches: plain('k') },
  { action: 'help', keys: ['?'], description: 'Show these shortcuts', inFields: false, matches: (e) => e.key === '?' },
];

export function isTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(target.type);
  }
  return false;
}

/** The shortcut this key press means here, if any. */
export function shortcutFor(e: KeyboardEvent): Shortcut | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return null;
  const inField = isTextField(e.target);
  return SHORTCUTS.find((s) => s.matches(e) && (s.inFields || !inField)) ?? null;
}

export function shortcutTarget(name: 'composer' | 'search' | 'stop'): HTMLElement | null {
  const all = document.querySelectorAll<HTMLElement>(`[data-shortcut-target="${name}"]`);
  // The newest pending answer is the last Stop button; there is one composer and one search box.
  for (let i = all.length - 1; i >= 0; i -= 1) {
    const el = all[i];
    if (!(el instanceof HTMLButtonElement && el.disabled)) return el;
  }
  return null;
}

/** The sidebar's conversation link `step` places away from the current one (or the first one). */
export function neighbourConversation(step: 1 | -1): string | null {
  const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('#sidebar a.conversation-link'));
  if (links.length === 0) return null;
  const current = links.findIndex((a) => a.getAttribute('aria-current') === 'page');
  const next = current < 0 ? 0 : current + step;
  if (next < 0 || next >= links.length) return null;
  return links[next].getAttribute('href');
}
