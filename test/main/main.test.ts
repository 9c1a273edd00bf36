/**
 * The composition root (main/main.ts) under a fake `electron` and a stub licensing runtime:
 * the order of start-up, the single-instance lock, staying alive without windows, the
 * scheduler, the IPC wiring end to end, and the quit that closes the runtime first.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, messageFor } from '../../src/contract/messages.js';
import { OPERATION_NAMES, channelOf } from '../../src/contract/operations.js';
import { openLicensing } from '../../src/licensing/runtime.js';
import { start } from '../../main/main.js';
import { electron, FakeBrowserWindow, FakeTray, resetFakeElectron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);
vi.mock('../../src/licensing/runtime.js', () => ({ openLicensing: vi.fn() }));

const report = { licensed: true, code: 'VALID', message: 'Licensed.', source: 'offline', license: null, fileExpiry: null, lastCheckIn: null, nextCheckIn: null, warnings: [] };

function stubRuntime() {
  return {
    manager: { status: vi.fn(async () => report), checkIn: vi.fn(async () => ({ ok: true, value: report })) },
    config: { apiUrl: 'http://127.0.0.1:1/v1', account: 'demo', product: null },
    source: { kind: 'embedded' },
    dataFolder: '/tmp/tessera-main-test',
    startScheduler: vi.fn(),
    close: vi.fn(async () => undefined),
  };
}

let runtime: ReturnType<typeof stubRuntime>;
const opening = vi.mocked(openLicensing);

beforeEach(() => {
  resetFakeElectron();
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  runtime = stubRuntime();
  opening.mockResolvedValue({ ok: true, value: runtime as never });
});
afterEach(() => vi.useRealTimers());

function theWindow(): FakeBrowserWindow {
  const window = FakeBrowserWindow.instances[0];
  if (window === undefined) throw new Error('no window');
  return window;
}

describe('main: start-up', () => {
  it('quits at once when another instance holds the lock', async () => {
    electron.app.lockGranted = false;
    await start();
    expect(electron.app.quit).toHaveBeenCalled();
    expect(electron.app.whenReady).not.toHaveBeenCalled();
    expect(opening).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
  });

  it('registers the privileged scheme and the guards before ready, serves app:// after', async () => {
    await start();
    const before = electron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0] ?? Infinity;
    const ready = electron.app.whenReady.mock.invocationCallOrder[0] ?? -Infinity;
    expect(before).toBeLessThan(ready);
    expect(electron.app.listenerCount('web-contents-created')).toBe(1);
    expect(electron.protocol.handlers.has('app')).toBe(true);
    expect(electron.session.defaultSession.permissionRequestHandler).not.toBeNull();
  });

  it('opens licensing with the environment, and the resources folder (which must hold the vendor configuration) only when packaged', async () => {
    await start();
    expect(opening).toHaveBeenLastCalledWith({ env: process.env, appFolder: undefined, packaged: false, warn: expect.any(Function) });

    resetFakeElectron();
    opening.mockResolvedValue({ ok: true, value: runtime as never });
    electron.app.isPackaged = true;
    const withResources = process as NodeJS.Process & { resourcesPath?: string };
    const saved = withResources.resourcesPath;
    withResources.resourcesPath = '/opt/Tessera/resources';
    try {
      await start();
      expect(opening).toHaveBeenLastCalledWith({ env: process.env, appFolder: '/opt/Tessera/resources', packaged: true, warn: expect.any(Function) });
    } finally {
      withResources.resourcesPath = saved;
    }
  });

  it('starts the scheduler, registers every IPC handler, creates the tray and the window', async () => {
    await start();
    expect(runtime.startScheduler).toHaveBeenCalledTimes(1);
    expect([...electron.ipcMain.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(channelOf).sort());
    expect(FakeTray.instances).toHaveLength(1);
    expect(theWindow().loadURL).toHaveBeenCalledWith('app://tessera/index.html');
  });

  it('on a configuration failure shows the error box with the next step and quits', async () => {
    opening.mockResolvedValue({ ...fail('CONFIG_NOT_FOUND'), detail: 'no tessera.config.json' } as never);
    await start();
    const text = messageFor('CONFIG_NOT_FOUND');
    expect(electron.dialog.showErrorBox).toHaveBeenCalledWith(text.title, expect.stringContaining(text.action));
    expect(electron.dialog.showErrorBox.mock.calls[0]?.[1]).toContain('no tessera.config.json');
    expect(electron.app.quit).toHaveBeenCalled();
    expect(runtime.startScheduler).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});

describe('main: running', () => {
  it('does not quit when every window is closed', async () => {
    await start();
    theWindow().close();
    electron.app.emit('window-all-closed');
    expect(electron.app.quit).not.toHaveBeenCalled();
    expect(runtime.close).not.toHaveBeenCalled();
  });

  it('a second instance focuses the existing window', async () => {
    await start();
    electron.app.emit('second-instance');
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(theWindow().focus).toHaveBeenCalled();
  });

  it('answers IPC from its window end to end, and refuses it from elsewhere', async () => {
    await start();
    const contents = theWindow().webContents;
    await expect(electron.ipcMain.invoke('tessera:license:status', contents.invokeEvent(), {})).resolves.toEqual({ ok: true, value: report });
    await expect(electron.ipcMain.invoke('tessera:license:status', { sender: contents, senderFrame: { ...contents.mainFrame, url: 'https://evil.example/' } }, {})).rejects.toThrow(/not Tessera's window/);
  });

  it('Quit from the tray closes the runtime, then quits', async () => {
    await start();
    const order: string[] = [];
    runtime.close.mockImplementation(async () => void order.push('close'));
    electron.app.quit.mockImplementation(() => {
      order.push('quit');
    });
    FakeTray.instances[0]?.click('Quit Tessera');
    await vi.waitFor(() => expect(order).toEqual(['close', 'quit']));
    expect(FakeTray.instances[0]?.destroyed).toBe(true);
    expect(electron.ipcMain.handlers.size).toBe(0);
  });
});
