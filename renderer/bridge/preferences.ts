/** The person's UI preferences, kept in this browser profile (never a secret), and applied to the page. */
import { isTheme, type Theme } from '../store/theme.js';

const THEME_KEY = 'tessera.theme';

/** The saved theme, or `system` when none was saved or storage is unavailable. */
export function loadTheme(): Theme {
  try {
    const saved = localStorage.getItem(THEME_KEY);
    return isTheme(saved) ? saved : 'system';
  } catch {
    return 'system';
  }
}

/** Saves the theme; storage refused (private mode, quota) only means it is not remembered. */
export function saveTheme(theme: Theme): void {
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // Not remembered: the choice still applies to this page.
  }
}

/** Applies the theme: `data-theme` on <html> forces light or dark; without it the CSS follows prefers-color-scheme. */
export function applyTheme(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}
