/**
 * The one Tessera window: created hidden and shown when its first paint is ready, re-created
 * from the tray after it was closed, brought to the front for a second instance.
 */
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { APP_START_URL, secureWebPreferences } from './security.js';

/** The window's colour until the renderer paints: the page's own `--bg` (renderer/styles.css), light or dark, so nothing flashes. */
export const WINDOW_BACKGROUND = { light: '#f4f6f8', dark: '#0f1216' } as const;

/** The window's options: size, title, and the hardened web preferences from `security.ts`. */
export function windowOptions(preload?: string, dark = false): BrowserWindowConstructorOptions {
  return {
    title: 'Tessera',
    width: 1100,
    height: 760,
    minWidth: 800,
    minHeight: 600,
    show: false, // shown on ready-to-show: no blank window while the renderer loads
    backgroundColor: dark ? WINDOW_BACKGROUND.dark : WINDOW_BACKGROUND.light,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(preload),
  };
}

/** The window's constructor, as Electron exports it (a fake in tests). */
export type WindowConstructor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** Holds the one window. */
export interface WindowManager {
  /** The window if it is open, else null. */
  current(): BrowserWindow | null;
  /** Shows the window: creates it when there is none, restores it when minimised, then focuses it. Returns it. */
  show(): BrowserWindow;
}

/**
 * Creates the manager of the one window. A page that fails to load is reported through `log`
 * (the window stays, and the tray can still quit).
 */
export function createWindowManager(deps: {
  readonly BrowserWindow: WindowConstructor;
  readonly preload?: string;
  readonly url?: string;
  readonly log?: (line: string) => void;
  /** Whether the OS uses a dark theme now (Electron's `nativeTheme.shouldUseDarkColors`). */
  readonly prefersDark?: () => boolean;
}): WindowManager {
  const log = deps.log ?? ((line: string) => console.error(line));
  let window: BrowserWindow | null = null;

  function create(): BrowserWindow {
    const created = new deps.BrowserWindow(windowOptions(deps.preload, deps.prefersDark?.() ?? false));
    created.once('ready-to-show', () => created.show());
    created.on('closed', () => {
      if (window === created) window = null;
    });
    created.loadURL(deps.url ?? APP_START_URL).catch((error: unknown) => log(`tessera: the window could not load: ${error instanceof Error ? error.message : String(error)}`));
    return created;
  }

  return {
    current: () => (window !== null && !window.isDestroyed() ? window : null),
    show() {
      const existing = window !== null && !window.isDestroyed() ? window : null;
      if (existing === null) {
        // A new window shows itself on ready-to-show.
        window = create();
        return window;
      }
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    },
  };
}
