/**
 * The Electron main process's one composition root: wiring only, no logic. Order matters:
 * the single-instance lock, the privileged `app://` scheme and the webContents guards come
 * before `ready`; the licensing core, IPC, tray and window after it.
 *
 * Importing this module does nothing outside Electron (tests drive `start()` themselves).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, nativeTheme, protocol, session, shell, Tray } from 'electron';
import { openLicensing, type OpenedLicensing } from '../src/licensing/runtime.js';
import { createMachineService } from '../src/machine/machine.service.js';
import { createOperationsService } from '../src/operations/operations.service.js';
import { createFileSaver, createManyFilesChooser } from './carried-files.js';
import { createFileChooser, showStartupFailure } from './dialogs.js';
import { registerIpcHandlers } from './ipc.handlers.js';
import { claimSingleInstance, installGracefulQuit, keepRunningWithoutWindows } from './lifecycle.js';
import { denyPermissions, guardAllWebContents, registerAppScheme, serveAppScheme } from './security.js';
import { createTray } from './tray.js';
import { createWindowManager } from './window.js';

/** Starts the desktop app. Resolves once the window is being created, or after quitting when Tessera cannot start. */
export async function start(): Promise<void> {
  const windows = createWindowManager({ BrowserWindow, prefersDark: () => nativeTheme.shouldUseDarkColors });
  let running = false;
  // A second instance brings this one's window forward instead of opening its own.
  const showWhenRunning = (): void => {
    if (running) windows.show();
  };
  if (!claimSingleInstance(app, showWhenRunning)) {
    app.quit();
    return;
  }
  registerAppScheme(app, protocol);
  guardAllWebContents(app, shell);
  keepRunningWithoutWindows(app);

  await app.whenReady();
  serveAppScheme(protocol);
  denyPermissions(session.defaultSession);

  // Packaged: electron-builder puts the vendor's tessera.config.json in the resources folder,
  // the trust anchor; an unpackaged (development) run ships none.
  const opened = await openLicensing({
    env: process.env,
    appFolder: app.isPackaged ? process.resourcesPath : undefined,
    packaged: app.isPackaged,
    // Secrets kept in a file instead of a keychain: said on every start, in the app's log.
    warn: (message) => process.stderr.write(message),
  });
  if (!opened.ok) {
    showStartupFailure(dialog, opened);
    app.quit();
    return;
  }
  // openLicensing is typed as the bare LicensingRuntime but returns an OpenedLicensing (with its scheduler).
  const runtime = opened.value as OpenedLicensing;
  const machine = createMachineService();
  const operations = createOperationsService({
    runtime,
    shell: 'desktop',
    version: app.getVersion(),
    env: process.env,
    fingerprint: async () => {
      const fingerprint = await machine.fingerprint();
      return fingerprint.ok ? fingerprint.value : null;
    },
  });
  // Background check-in, refresh and heartbeats run while the window is closed too.
  runtime.startScheduler();

  const ipc = registerIpcHandlers({
    ipcMain,
    operations,
    chooseFile: createFileChooser({ dialog, window: () => windows.current() }),
    chooseFiles: createManyFilesChooser({ dialog, window: () => windows.current() }),
    saveFile: createFileSaver({ dialog, window: () => windows.current() }),
    trustedContents: () => windows.current()?.webContents ?? null,
  });
  let tray: ReturnType<typeof createTray> | null = null;
  const quit = installGracefulQuit(app, async () => {
    tray?.dispose();
    ipc.dispose();
    await runtime.close();
  });
  tray = createTray({ Tray, Menu, nativeImage, operations, openWindow: () => void windows.show(), quit });
  app.on('activate', showWhenRunning); // macOS: a click on the dock icon
  running = true;
  windows.show();
}

if (process.versions.electron !== undefined) {
  start().catch((error: unknown) => {
    dialog.showErrorBox('Tessera could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}
