/** The app's life (main/lifecycle.ts): one instance, alive without windows, and a quit that stops the runtime first. */
import type { App } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { claimSingleInstance, installGracefulQuit, keepRunningWithoutWindows } from '../../main/lifecycle.js';
import { as, fakeEvent, FakeApp } from './fake-electron.js';

describe('single instance', () => {
  it('refuses when another instance holds the lock', () => {
    const app = new FakeApp();
    app.lockGranted = false;
    const onSecond = vi.fn();
    expect(claimSingleInstance(as<App>(app), onSecond)).toBe(false);
    app.emit('second-instance');
    expect(onSecond).not.toHaveBeenCalled();
  });

  it('calls back for each later instance', () => {
    const app = new FakeApp();
    const onSecond = vi.fn();
    expect(claimSingleInstance(as<App>(app), onSecond)).toBe(true);
    app.emit('second-instance', fakeEvent({}), ['tessera'], '/');
    expect(onSecond).toHaveBeenCalledTimes(1);
  });
});

describe('window-all-closed', () => {
  it('is listened to (so Electron does not quit) and does not quit', () => {
    const app = new FakeApp();
    keepRunningWithoutWindows(as<App>(app));
    expect(app.listenerCount('window-all-closed')).toBe(1);
    app.emit('window-all-closed');
    expect(app.quit).not.toHaveBeenCalled();
  });
});

describe('graceful quit', () => {
  it('stops the runtime before the app quits', async () => {
    const app = new FakeApp();
    const order: string[] = [];
    let finish = (): void => undefined;
    const shutdown = vi.fn(() => new Promise<void>((resolve) => (finish = () => {
      order.push('closed');
      resolve();
    })));
    app.quit.mockImplementation(() => {
      order.push('quit');
      const event = fakeEvent({});
      app.emit('before-quit', event);
      if (!event.defaultPrevented) app.quitted = true;
    });
    const quit = installGracefulQuit(as<App>(app), shutdown);
    quit();
    quit(); // a second click while closing does not close twice
    expect(shutdown).toHaveBeenCalledTimes(1);
    expect(app.quitted).toBe(false);
    finish();
    await vi.waitFor(() => expect(app.quitted).toBe(true));
    expect(order).toEqual(['closed', 'quit']);
  });

  it('holds an OS or menu quit until the runtime has stopped', async () => {
    const app = new FakeApp();
    const shutdown = vi.fn(async () => undefined);
    installGracefulQuit(as<App>(app), shutdown);
    app.quit();
    expect(shutdown).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(app.quitted).toBe(true));
  });

  it('quits anyway when the runtime does not stop in time, or fails to', async () => {
    const hung = new FakeApp();
    installGracefulQuit(as<App>(hung), () => new Promise<void>(() => undefined), { timeoutMs: 10, log: () => undefined })();
    await vi.waitFor(() => expect(hung.quitted).toBe(true));

    const failing = new FakeApp();
    installGracefulQuit(as<App>(failing), async () => Promise.reject(new Error('boom')), { log: () => undefined })();
    await vi.waitFor(() => expect(failing.quitted).toBe(true));
  });
});
