/** Navigation, notices (the polite live region) and theme: what the app shell shows. */
import { shell } from '../bridge/bridge.js';
import type { Route } from './routes.js';
import type { SliceCreator } from './store.js';
import type { Theme } from './theme.js';

export interface Notice {
  readonly id: number;
  readonly text: string;
}

/** At most this many notices are kept: the log is for what just happened. */
const MAX_NOTICES = 3;

export interface ShellSlice {
  readonly route: Route;
  readonly notices: readonly Notice[];
  readonly theme: Theme;
  navigate(route: Route): void;
  /** Adds a short sentence to the notices ("Checked in."). */
  notify(text: string): void;
  dismissNotice(id: number): void;
  setTheme(theme: Theme): void;
}

export const createShellSlice: SliceCreator<ShellSlice> = (set) => {
  let nextNotice = 1;
  return {
    route: 'status',
    notices: [],
    // The saved choice is applied by main.tsx at start.
    theme: 'system',
    navigate: (route) => set({ route }),
    notify: (text) => set((state) => ({ notices: [...state.notices, { id: nextNotice++, text }].slice(-MAX_NOTICES) })),
    dismissNotice: (id) => set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) })),
    setTheme: (theme) => {
      shell().saveTheme(theme);
      set({ theme });
    },
  };
};
