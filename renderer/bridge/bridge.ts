/**
 * The renderer's one way out. The store reaches the core only through `bridge()`, and the
 * page's own side effects (clipboard, saved preferences) only through `shell()`; `main.tsx`
 * installs the browser's implementations, tests install fakes. Nothing here touches the DOM,
 * so the store runs in plain Node under test.
 */
import type { ExportFile, TesseraBridge } from '../contract.js';
import type { Theme } from '../store/theme.js';

export interface ShellServices {
  /** The desktop app's `window.tessera`, or the web console's HTTP bridge. */
  readonly bridge: TesseraBridge;
  /** Copies text for the person; resolves to false when the clipboard refused. Never rejects. */
  copyText(text: string): Promise<boolean>;
  /** Remembers the person's theme. */
  saveTheme(theme: Theme): void;
  /** Offers an export to the person as a file download; false when the page cannot. */
  download(file: ExportFile): boolean;
}

let services: ShellServices | null = null;

/** Installs the services (the composition root does this once, before rendering). */
export function installServices(next: ShellServices | null): void {
  services = next;
}

/** Tests: a bridge with inert page services (nothing copied, nothing saved); `null` uninstalls. */
export function setBridge(bridge: TesseraBridge | null): void {
  services = bridge === null ? null : { bridge, copyText: async () => false, saveTheme: () => undefined, download: () => false };
}

/** The installed services. Throws when none are: that is a wiring bug, not a user-facing failure. */
export function shell(): ShellServices {
  if (services === null) throw new Error('renderer services not installed: main.tsx installs them, tests call setBridge()');
  return services;
}

/** The bridge to the core. */
export function bridge(): TesseraBridge {
  return shell().bridge;
}
