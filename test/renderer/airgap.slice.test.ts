/** The air-gapped slices: a request made and saved, several files imported one by one, offline deactivation, fulfilment with progress. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';
import { licensedReport } from './fixtures.js';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

const REQUEST = { name: 'lab-7-abc.activation-request.json', text: '{"format":"tessera.activation-request"}' };

describe('airgap slice', () => {
  it('creates a request and offers it for saving; the key passes as an argument only', async () => {
    const { bridge, calls } = fakeBridge({
      'airgap:create-request': async () => ({ ok: true, value: { file: REQUEST, fingerprint: 'f'.repeat(64), includesLicenseKey: true } }),
      'files:save': async () => ({ ok: true, value: { saved: true } }),
    });
    setBridge(bridge);
    await store.getState().createRequest('SECRET-KEY');
    expect(store.getState().request).toMatchObject({ kind: 'done', request: { fingerprint: 'f'.repeat(64) } });
    expect(calls.map((call) => call.name)).toEqual(['airgap:create-request', 'files:save']);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual([`Saved ${REQUEST.name}.`]);
    expect(JSON.stringify(store.getState())).not.toContain('SECRET-KEY');
  });

  it('imports several files one by one, with a result each, then refreshes the status and the list once', async () => {
    const { bridge, calls } = fakeBridge({
      'airgap:import-file': async ({ file }) =>
        ({ ok: true, value: file.name === 'own.json' ? { file: file.name, kind: 'response', ok: true, licenseId: 'lic-1' } : { file: file.name, kind: 'response', ok: false, code: 'FINGERPRINT_MISMATCH' } }) as const,
      'license:status': async () => ({ ok: true, value: licensedReport({ source: 'offline' }) }),
      'licenses:list': async () => ({ ok: true, value: { data: [], next: null } }),
    });
    setBridge(bridge);
    const results = await store.getState().importFiles([
      { name: 'own.json', text: '{}' },
      { name: 'other.json', text: '{}' },
    ]);
    expect(results.map((result) => result.code ?? 'ok')).toEqual(['ok', 'FINGERPRINT_MISMATCH']);
    expect(store.getState().importBatch).toMatchObject({ kind: 'done' });
    expect(calls.map((call) => call.name)).toEqual(['airgap:import-file', 'airgap:import-file', 'license:status', 'licenses:list']);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Imported 1 file.']);
  });

  it('a refused offline deactivation keeps its code; a done one saves the receipt', async () => {
    const refused = fakeBridge({ 'airgap:deactivate-offline': async () => ({ ok: false, code: 'AIRGAP_NOT_A_MACHINE_LICENSE', message: 'no seat' }) });
    setBridge(refused.bridge);
    await store.getState().deactivateOffline();
    expect(store.getState().offlineDeactivation).toMatchObject({ kind: 'failed', code: 'AIRGAP_NOT_A_MACHINE_LICENSE' });
    const receipt = { name: 'r.deactivation-receipt.json', text: '{}' };
    const done = fakeBridge({
      'airgap:deactivate-offline': async () => ({ ok: true, value: { licenseId: 'lic-1', machineId: 'm-1', receipt } }),
      'files:save': async () => ({ ok: true, value: { saved: true } }),
      'license:status': async () => ({ ok: true, value: licensedReport({ source: 'offline' }) }),
      'licenses:list': async () => ({ ok: true, value: { data: [], next: null } }),
    });
    setBridge(done.bridge);
    await store.getState().deactivateOffline();
    expect(store.getState().offlineDeactivation).toMatchObject({ kind: 'done', result: { licenseId: 'lic-1' } });
    expect(done.calls.filter((call) => call.name === 'files:save').map((call) => call.input)).toEqual([{ file: receipt }]);
  });
});

describe('fulfil slice', () => {
  it('fulfils each dropped file, reporting progress, and keeps each result in the files order', async () => {
    const { bridge } = fakeBridge({
      'airgap:fulfil-file': async ({ file }) => ({ ok: true, value: { file: file.name, kind: 'activation', ok: file.name !== 'forged.json', ...(file.name === 'forged.json' ? { code: 'AIRGAP_FILE_NOT_GENUINE' as const } : { machine: 'm' }) } }),
    });
    setBridge(bridge);
    const seen: string[] = [];
    const unsubscribe = store.subscribe((state) => seen.push(state.fulfilment.kind === 'working' ? `${state.fulfilment.done}/${state.fulfilment.total}` : state.fulfilment.kind));
    const results = await store.getState().fulfilFiles(
      ['a.json', 'forged.json', 'b.json'].map((name) => ({ name, text: '{}' })),
      { kind: 'license-key', licenseKey: 'KEY' },
    );
    unsubscribe();
    expect(results.map((result) => result.file)).toEqual(['a.json', 'forged.json', 'b.json']);
    expect(results.map((result) => result.ok)).toEqual([true, false, true]);
    expect(seen).toContain('3/3');
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Fulfilled 2 of 3 files.']);
  });
});
