/** The activation slice: tagged status, the license slice updated, and the key never kept in the store. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';
import { licensedReport } from './fixtures.js';

const KEY = 'DEMO-4F2A-99C1-SECRET-KEY';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

/** Every state the store went through, serialized (Sets as arrays). */
function recordStates(): string[] {
  const states: string[] = [];
  store.subscribe((state) => states.push(JSON.stringify(state, (_key, value: unknown) => (value instanceof Set ? [...value] : value))));
  return states;
}

describe('activation slice', () => {
  it('success: working → done, the report shown, "Activated." noticed, Status screen, key nowhere in the state', async () => {
    const report = licensedReport();
    const { bridge, calls } = fakeBridge({ 'license:activate': async () => ({ ok: true, value: report }) });
    setBridge(bridge);
    store.getState().navigate('activate');
    const states = recordStates();
    const pending = store.getState().activate(KEY);
    expect(store.getState().activation).toEqual({ kind: 'working' });
    expect(await pending).toBe(true);
    expect(calls).toEqual([{ name: 'license:activate', input: { licenseKey: KEY } }]);
    expect(store.getState().activation).toEqual({ kind: 'done', report });
    expect(store.getState().license).toEqual({ kind: 'loaded', report });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Activated.']);
    expect(store.getState().route).toBe('status');
    expect(states.length).toBeGreaterThan(1);
    for (const state of states) expect(state).not.toContain(KEY);
  });

  it('refusal: failed with the code and message, license and route untouched, key nowhere in the state', async () => {
    const { bridge } = fakeBridge({ 'license:activate': async () => ({ ok: false, code: 'NOT_FOUND', message: 'The licensing server knows no license with this key.' }) });
    setBridge(bridge);
    store.getState().navigate('activate');
    const states = recordStates();
    expect(await store.getState().activate(KEY)).toBe(false);
    expect(store.getState().activation).toEqual({ kind: 'failed', code: 'NOT_FOUND', message: 'The licensing server knows no license with this key.' });
    expect(store.getState().license).toEqual({ kind: 'loading' });
    expect(store.getState().route).toBe('activate');
    expect(store.getState().notices).toEqual([]);
    for (const state of states) expect(state).not.toContain(KEY);
  });

  it('a second submit while working is ignored', async () => {
    let release: () => void = () => undefined;
    const { bridge, calls } = fakeBridge({
      'license:activate': () => new Promise((resolve) => (release = () => resolve({ ok: true, value: licensedReport() }))),
    });
    setBridge(bridge);
    const first = store.getState().activate(KEY);
    expect(await store.getState().activate(KEY)).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('resetStore puts every slice back as it started', async () => {
    const { bridge } = fakeBridge({ 'license:activate': async () => ({ ok: false, code: 'NOT_FOUND', message: 'x' }) });
    setBridge(bridge);
    await store.getState().activate(KEY);
    store.getState().notify('Something.');
    resetStore();
    expect(store.getState().activation).toEqual({ kind: 'idle' });
    expect(store.getState().notices).toEqual([]);
  });
});
