/** The one window (main/window.ts): hidden until painted, loaded from app://, re-created after closing, focused for a second instance. */
import { describe, expect, it, vi } from 'vitest';
import { createWindowManager, WINDOW_BACKGROUND, windowOptions } from '../../main/window.js';
import { as, FakeBrowserWindow } from './fake-electron.js';
import type { WindowConstructor } from '../../main/window.js';

function manager(log = vi.fn()) {
  FakeBrowserWindow.instances.length = 0;
  return createWindowManager({ BrowserWindow: as<WindowConstructor>(FakeBrowserWindow), log });
}

describe('window', () => {
  it('has the title, minimum size and a background, and starts hidden', () => {
    const options = windowOptions();
    expect(options).toMatchObject({ title: 'Tessera', minWidth: 800, minHeight: 600, show: false });
    expect(options.backgroundColor).toBe(WINDOW_BACKGROUND.light);
    expect(windowOptions(undefined, true).backgroundColor).toBe(WINDOW_BACKGROUND.dark);
  });

  it('paints the dark background when the OS is dark', () => {
    FakeBrowserWindow.instances.length = 0;
    createWindowManager({ BrowserWindow: as<WindowConstructor>(FakeBrowserWindow), prefersDark: () => true }).show();
    expect(FakeBrowserWindow.instances[0]?.options.backgroundColor).toBe(WINDOW_BACKGROUND.dark);
  });

  it('loads app://tessera/index.html and shows on ready-to-show, not before', () => {
    const windows = manager();
    windows.show();
    const [window] = FakeBrowserWindow.instances;
    expect(window?.loadURL).toHaveBeenCalledWith('app://tessera/index.html');
    expect(window?.options.webPreferences?.sandbox).toBe(true);
    expect(window?.visible).toBe(false);
    window?.emit('ready-to-show');
    expect(window?.visible).toBe(true);
  });

  it('keeps one window: showing again focuses it, restoring it when minimised', () => {
    const windows = manager();
    const first = windows.show();
    const window = FakeBrowserWindow.instances[0];
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    expect(windows.show()).toBe(first);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('re-creates the window after it was closed', () => {
    const windows = manager();
    windows.show();
    FakeBrowserWindow.instances[0]?.close();
    expect(windows.current()).toBeNull();
    windows.show();
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(windows.current()).toBe(FakeBrowserWindow.instances[1]);
  });

  it('reports a page that fails to load, and keeps the window', async () => {
    class FailingWindow extends FakeBrowserWindow {
      override readonly loadURL = vi.fn(async (_url: string) => {
        throw new Error('ERR_FILE_NOT_FOUND');
      });
    }
    const log = vi.fn();
    const windows = createWindowManager({ BrowserWindow: as<WindowConstructor>(FailingWindow), log });
    const window = windows.show();
    await vi.waitFor(() => expect(log).toHaveBeenCalledWith(expect.stringContaining('ERR_FILE_NOT_FOUND')));
    expect(windows.current()).toBe(window);
  });
});
