// Tests for the theme toggle: System / Light / Dark on <html data-theme>, remembered in
// localStorage across page loads, followed by other tabs.
import { afterEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ThemeToggle } from './ThemeToggle';
import { THEME_STORAGE_KEY, applyThemeChoice, readThemeChoice } from '../hooks/use-theme';

const html = document.documentElement;
const picker = () => screen.getByRole('combobox', { name: 'Theme' }) as HTMLSelectElement;

afterEach(() => {
  localStorage.clear();
  html.removeAttribute('data-theme');
});

describe('ThemeToggle', () => {
  it('follows the system until a theme is chosen', () => {
    render(<ThemeToggle />);
    expect(picker().value).toBe('system');
    expect(html.hasAttribute('data-theme')).toBe(false);
    expect([...picker().options].map((o) => o.textContent)).toEqual(['System theme', 'Light theme', 'Dark theme']);
  });

  it('applies and remembers dark and light, and forgets them for system', () => {
    const { unmount } = render(<ThemeToggle />);
    fireEvent.change(picker(), { target: { value: 'dark' } });
    expect(html.getAttribute('data-theme')).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    unmount();

    // A new page load: main.tsx applies the remembered theme before the first render.
    html.removeAttribute('data-theme');
    applyThemeChoice(readThemeChoice());
    expect(html.getAttribute('data-theme')).toBe('dark');
    render(<ThemeToggle />);
    expect(picker().value).toBe('dark');

    fireEvent.change(picker(), { target: { value: 'light' } });
    expect(html.getAttribute('data-theme')).toBe('light');
    fireEvent.change(picker(), { target: { value: 'system' } });
    expect(html.hasAttribute('data-theme')).toBe(false);
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
  });

  it('ignores a stored value it does not know', () => {
    localStorage.setItem(THEME_STORAGE_KEY, 'purple');
    expect(readThemeChoice()).toBe('system');
  });

  it('follows a change made in another tab', () => {
    render(<ThemeToggle />);
    act(() => {
      window.dispatchEvent(new StorageEvent('storage', { key: THEME_STORAGE_KEY, newValue: 'dark' }));
    });
    expect(picker().value).toBe('dark');
    expect(html.getAttribute('data-theme')).toBe('dark');
  });
});
