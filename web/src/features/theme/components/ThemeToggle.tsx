// ThemeToggle: the header's theme picker — System (follows the OS), Light or Dark.
import { THEME_CHOICES, useTheme, type ThemeChoice } from '../hooks/use-theme';

const LABELS: Record<ThemeChoice, string> = { system: 'System theme', light: 'Light theme', dark: 'Dark theme' };

export function ThemeToggle() {
  const { choice, setChoice } = useTheme();
  return (
    <label className="theme-toggle">
      <span className="sr-only">Theme</span>
      <select value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)} title="Theme">
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {LABELS[c]}
          </option>
        ))}
      </select>
    </label>
  );
}
