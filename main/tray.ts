/**
 * The tray icon that keeps Tessera running while its window is closed: open the window, check
 * in now, quit. Its tooltip says whether this machine is licensed, read offline from
 * `license:status` on an interval.
 */
import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';
import type { OperationsService } from '../src/operations/operations.service.js';

/** A 16×16 PNG of four tiles (a tessera mosaic), made in code so that no asset has to be packaged. */
export const TRAY_ICON_DATA_URL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAIUlEQVR42mNgoAbQjjz8HxsmVn7UAGoYMPBgNBaGejoAAFVIR3AAR5zfAAAAAElFTkSuQmCC';

/** How often the tooltip reads the status again (offline: no network). */
export const TRAY_REFRESH_MS = 60_000;

/** The tooltip, by licensing state. */
export const TRAY_TOOLTIPS = { licensed: 'Tessera — licensed', unlicensed: 'Tessera — not licensed' } as const;

/** What the tray needs from Electron and from the app. */
export interface TrayDeps {
  readonly Tray: new (image: NativeImage) => Tray;
  readonly Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): Menu };
  readonly nativeImage: { createFromDataURL(dataURL: string): NativeImage };
  readonly operations: Pick<OperationsService, 'run'>;
  /** Shows (or re-creates) the window. */
  readonly openWindow: () => void;
  /** Closes the runtime, then quits the app. */
  readonly quit: () => void;
  readonly refreshMs?: number;
  readonly log?: (line: string) => void;
}

/** The running tray. */
export interface TesseraTray {
  /** Reads the status (offline) and updates the tooltip. Never rejects. */
  refresh(): Promise<void>;
  /** Runs `license:check-in`, then refreshes the tooltip. Never rejects. */
  checkIn(): Promise<void>;
  /** Stops the refresh interval and removes the icon. Idempotent. */
  dispose(): void;
}

/** Creates the tray icon, its menu and the tooltip's refresh interval (refreshing once at once). */
export function createTray(deps: TrayDeps): TesseraTray {
  const log = deps.log ?? ((line: string) => console.error(line));
  const tray = new deps.Tray(deps.nativeImage.createFromDataURL(TRAY_ICON_DATA_URL));
  let disposed = false;

  async function refresh(): Promise<void> {
    try {
      const status = await deps.operations.run('license:status', { online: false });
      if (disposed) return;
      tray.setToolTip(status.ok && status.value.licensed ? TRAY_TOOLTIPS.licensed : TRAY_TOOLTIPS.unlicensed);
    } catch (error) {
      log(`tessera: could not read the license status: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function checkIn(): Promise<void> {
    try {
      // The outcome shows in the tooltip; the window shows the details when opened.
      const result = await deps.operations.run('license:check-in', {});
      if (!result.ok) log(`tessera: check-in failed: ${result.code}`);
    } catch (error) {
      log(`tessera: check-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await refresh();
  }

  tray.setToolTip('Tessera');
  tray.setContextMenu(
    deps.Menu.buildFromTemplate([
      { label: 'Open Tessera', click: () => deps.openWindow() },
      { label: 'Check in now', click: () => void checkIn() },
      { type: 'separator' },
      { label: 'Quit Tessera', click: () => deps.quit() },
    ]),
  );
  // Windows and Linux: a click on the icon opens the window (macOS opens the menu).
  tray.on('click', () => deps.openWindow());

  const interval = setInterval(() => void refresh(), deps.refreshMs ?? TRAY_REFRESH_MS);
  void refresh();

  return {
    refresh,
    checkIn,
    dispose() {
      if (disposed) return;
      disposed = true;
      clearInterval(interval);
      tray.destroy();
    },
  };
}
