/**
 * The app's life: one instance at a time, running on in the tray when its window closes, and a
 * quit that stops the licensing runtime's background work before the process ends.
 */
import type { App } from 'electron';

/** How long a quit waits for the runtime to stop (an in-flight check-in may be waiting on the network). */
export const SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * Takes the single-instance lock. Returns false when another Tessera already holds it (that
 * one is told through its `second-instance` event, and this one should quit); otherwise
 * calls `onSecondInstance` whenever a later instance starts.
 */
export function claimSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'on'>, onSecondInstance: () => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', () => onSecondInstance());
  return true;
}

/**
 * Keeps the app running when its last window closes: the tray (and on macOS the dock) keeps it
 * alive, and the background check-in, refresh and heartbeats go on. Electron quits on
 * `window-all-closed` only when nobody listens to it.
 */
export function keepRunningWithoutWindows(app: Pick<App, 'on'>): void {
  app.on('window-all-closed', () => {
    // Deliberately nothing: quitting is the tray's "Quit Tessera" (or the OS's quit).
  });
}

/**
 * Makes every quit graceful: the tray's Quit, the macOS menu's, the OS's. The first quit runs
 * `shutdown` (waiting at most `timeoutMs`), then quits for real. Returns the function the
 * tray calls. A failing shutdown is logged; the app quits anyway.
 */
export function installGracefulQuit(
  app: Pick<App, 'on' | 'quit'>,
  shutdown: () => Promise<void>,
  options: { readonly timeoutMs?: number; readonly log?: (line: string) => void } = {},
): () => void {
  const log = options.log ?? ((line: string) => console.error(line));
  let state: 'running' | 'closing' | 'closed' = 'running';

  function quit(): void {
    if (state === 'closed') return app.quit();
    if (state === 'closing') return;
    state = 'closing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        log('tessera: the licensing runtime did not stop in time; quitting anyway');
        resolve();
      }, options.timeoutMs ?? SHUTDOWN_TIMEOUT_MS);
    });
    const stopped = shutdown().catch((error: unknown) => log(`tessera: shutdown failed: ${error instanceof Error ? error.message : String(error)}`));
    void Promise.race([stopped, timeout]).then(() => {
      clearTimeout(timer);
      state = 'closed';
      app.quit();
    });
  }

  app.on('before-quit', (event) => {
    if (state === 'closed') return; // shutdown done: let Electron quit
    event.preventDefault();
    quit();
  });
  return quit;
}
