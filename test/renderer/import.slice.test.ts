/** The import slice: a chosen file imported, its license key asked when encrypted, refusals with their code. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChosenFile } from '../../src/contract/operations.js';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';
import { installed, licensedReport } from './fixtures.js';

const FILE: ChosenFile = { name: 'workstation.lic', certificate: '-----BEGIN MACHINE FILE-----\nabc\n-----END MACHINE FILE-----\n' };

beforeEach(() => {
  resetStore();
  setBridge(null);
});

describe('import slice', () => {
  it('an encrypted file asks for its key, then imports with it, says so and refreshes status (offline) and the list', async () => {
    const license = installed('installed-1');
    const { bridge, calls } = fakeBridge({
      'files:import': async (input) => (input.licenseKey === undefined ? { ok: false, code: 'LICENSE_KEY_REQUIRED', message: 'key needed' } : { ok: true, value: license }),
      'license:status': async () => ({ ok: true, value: licensedReport({ source: 'offline' }) }),
      'licenses:list': async () => ({ ok: true, value: { data: [license], next: null } }),
    });
    setBridge(bridge);
    expect(await store.getState().importFile(FILE)).toBe('key-required');
    expect(store.getState().importStatus).toEqual({ kind: 'key-required', fileName: 'workstation.lic' });
    expect(await store.getState().importFile(FILE, 'FILE-KEY')).toBe('done');
    expect(store.getState().importStatus).toEqual({ kind: 'done', fileName: 'workstation.lic', license });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Imported license file.']);
    expect(calls.map((call) => call.name)).toEqual(['files:import', 'files:import', 'license:status', 'licenses:list']);
    expect(calls[1]?.input).toEqual({ certificate: FILE.certificate, licenseKey: 'FILE-KEY' });
    expect(calls[2]?.input).toEqual({ online: false });
    expect(store.getState().installed).toEqual({ kind: 'loaded', licenses: [license] });
    // The certificate is the screen's: the store never holds it.
    expect(JSON.stringify(store.getState())).not.toContain('BEGIN MACHINE FILE');
  });

  it('a forged file is refused with its code', async () => {
    const { bridge } = fakeBridge({ 'files:import': async () => ({ ok: false, code: 'LICENSE_FILE_NOT_GENUINE', message: 'not genuine' }) });
    setBridge(bridge);
    expect(await store.getState().importFile(FILE)).toBe('failed');
    expect(store.getState().importStatus).toEqual({ kind: 'failed', fileName: 'workstation.lic', code: 'LICENSE_FILE_NOT_GENUINE', message: 'not genuine' });
    expect(store.getState().notices).toEqual([]);
  });

  it('a cancelled chooser is idle again; a too-large one is failed', async () => {
    let answer: 'cancel' | 'large' = 'cancel';
    const { bridge } = fakeBridge({
      'files:choose': async () => (answer === 'cancel' ? { ok: true, value: null } : { ok: false, code: 'LICENSE_FILE_TOO_LARGE', message: 'too large' }),
    });
    setBridge(bridge);
    expect(await store.getState().openFile('chooser')).toBeNull();
    expect(store.getState().importStatus).toEqual({ kind: 'idle' });
    answer = 'large';
    expect(await store.getState().openFile('chooser')).toBeNull();
    expect(store.getState().importStatus).toMatchObject({ kind: 'failed', code: 'LICENSE_FILE_TOO_LARGE' });
  });

  it('a dropped file is read in the page, over 1 MiB refused', async () => {
    setBridge(fakeBridge({}).bridge);
    const dropped = await store.getState().openFile(new File([FILE.certificate], FILE.name));
    expect(dropped).toEqual(FILE);
    expect(await store.getState().openFile({ name: 'big.lic', size: 2 * 1024 * 1024, text: async () => '' })).toBeNull();
    expect(store.getState().importStatus).toMatchObject({ kind: 'failed', fileName: 'big.lic', code: 'LICENSE_FILE_TOO_LARGE' });
  });

  it('lists every page of installed licenses by cursor', async () => {
    const all = Array.from({ length: 150 }, (_, index) => installed(`installed-${index}`));
    const { bridge, calls } = fakeBridge({
      'licenses:list': async ({ after, limit = 100 }) => {
        const from = after === undefined ? 0 : all.findIndex((item) => item.id === after) + 1;
        const data = all.slice(from, from + limit);
        return { ok: true, value: { data, next: from + limit < all.length ? (data.at(-1)?.id ?? null) : null } };
      },
    });
    setBridge(bridge);
    await store.getState().loadInstalled();
    expect(calls.map((call) => call.input)).toEqual([{ limit: 100 }, { after: 'installed-99', limit: 100 }]);
    expect(store.getState().installed).toEqual({ kind: 'loaded', licenses: all });
  });
});
