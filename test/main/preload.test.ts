/**
 * The preload (main/preload.ts) under a fake `electron`: it exposes `window.tessera` and
 * nothing else, every verb is one `ipcRenderer.invoke` on its operation's channel, and no
 * capability (ipcRenderer, a send/on function, a path or a secret) leaks to the page.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { OPERATIONS, OPERATION_NAMES, channelOf } from '../../src/contract/operations.js';
import { electron } from './fake-electron.js';

vi.mock('electron', async () => (await import('./fake-electron.js')).electron);

type Exposed = Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>>;
let exposed: Exposed;

beforeAll(async () => {
  await import('../../main/preload.js');
  const calls = electron.contextBridge.exposeInMainWorld.mock.calls;
  expect(calls).toHaveLength(1);
  exposed = calls[0]?.[1] as Exposed;
});

/** Every key and value reachable from `value`, depth first. */
function walk(value: unknown, path: string, visit: (path: string, value: unknown) => void): void {
  visit(path, value);
  if (typeof value === 'object' && value !== null) for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`, visit);
}

describe('preload', () => {
  it('exposes exactly one key, tessera', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.contextBridge.exposeInMainWorld.mock.calls[0]?.[0]).toBe('tessera');
  });

  it('license.activate(key) invokes tessera:license:activate with { licenseKey }', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: 'status' });
    await expect(exposed.license?.activate?.('K')).resolves.toEqual({ ok: true, value: 'status' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('tessera:license:activate', { licenseKey: 'K' });
  });

  it('has one verb per operation, each invoking its own channel', async () => {
    for (const name of OPERATION_NAMES) {
      const { domain, verb } = OPERATIONS[name];
      electron.ipcRenderer.invoke.mockClear();
      await exposed[domain]?.[verb]?.();
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith(channelOf(name), {});
    }
    expect(Object.values(exposed).flatMap((verbs) => Object.keys(verbs))).toHaveLength(OPERATION_NAMES.length);
  });

  it('leaks no capability: no invoke/send/on, no ipcRenderer, nothing but verbs', () => {
    walk(exposed, 'tessera', (path, value) => {
      const key = path.split('.').at(-1) ?? '';
      expect(['invoke', 'send', 'sendSync', 'on', 'once', 'postMessage', 'ipcRenderer', 'process', 'env', 'require']).not.toContain(key);
      expect(value).not.toBe(electron.ipcRenderer);
      expect(value).not.toBe(electron.ipcRenderer.invoke);
      // Only domains (objects) and verbs (functions): no strings such as paths or secrets.
      expect(['object', 'function']).toContain(typeof value);
    });
  });

  it('is frozen: the page cannot swap a verb for its own', () => {
    expect(Object.isFrozen(exposed)).toBe(true);
    expect(Object.isFrozen(exposed.license)).toBe(true);
  });
});
