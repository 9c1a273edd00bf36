/** The license slice: the status load, and check in / renew / deactivate with their notices. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';
import { licensedReport, notActivatedReport } from './fixtures.js';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

describe('license slice', () => {
  it('loads the status online on start: loading → loaded', async () => {
    const report = licensedReport();
    const { bridge, calls } = fakeBridge({ 'license:status': async () => ({ ok: true, value: report }) });
    setBridge(bridge);
    expect(store.getState().license).toEqual({ kind: 'loading' });
    await store.getState().loadStatus();
    expect(calls).toEqual([{ name: 'license:status', input: {} }]);
    expect(store.getState().license).toEqual({ kind: 'loaded', report });
  });

  it('a status that cannot be asked (signed out) is a failed view with the code', async () => {
    const { bridge } = fakeBridge({ 'license:status': async () => ({ ok: false, code: 'SESSION_REQUIRED', message: 'sign in' }) });
    setBridge(bridge);
    await store.getState().loadStatus();
    expect(store.getState().license).toEqual({ kind: 'failed', code: 'SESSION_REQUIRED', message: 'sign in' });
  });

  it('an older status answer arriving late does not replace a newer one', async () => {
    const answers: ((online: boolean | undefined) => void)[] = [];
    const { bridge } = fakeBridge({
      'license:status': (input) =>
        new Promise((resolve) => answers.push(() => resolve({ ok: true, value: { ...licensedReport(), source: input.online === false ? 'offline' : 'online' } }))),
    });
    setBridge(bridge);
    const online = store.getState().loadStatus();
    const offline = store.getState().loadStatus({ online: false });
    answers[1]?.(false);
    await offline;
    answers[0]?.(undefined);
    await online;
    const view = store.getState().license;
    expect(view.kind === 'loaded' && view.report.source).toBe('offline');
  });

  it('check in and renew show the returned report and say so', async () => {
    const checked = licensedReport({ lastCheckIn: '2026-06-01T00:00:00.000Z' });
    const renewed = licensedReport({ fileExpiry: '2027-06-01T00:00:00.000Z' });
    const { bridge } = fakeBridge({ 'license:check-in': async () => ({ ok: true, value: checked }), 'license:renew': async () => ({ ok: true, value: renewed }) });
    setBridge(bridge);
    await store.getState().checkIn();
    expect(store.getState().license).toEqual({ kind: 'loaded', report: checked });
    await store.getState().renew();
    expect(store.getState().license).toEqual({ kind: 'loaded', report: renewed });
    expect(store.getState().licenseAction).toEqual({ kind: 'done', action: 'renew' });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Checked in.', 'Renewed.']);
  });

  it('a refused check-in is failed with its code; the shown report stays', async () => {
    const report = licensedReport();
    const { bridge } = fakeBridge({
      'license:status': async () => ({ ok: true, value: report }),
      'license:check-in': async () => ({ ok: false, code: 'CHECK_IN_NOT_REQUIRED', message: 'This license does not require check-ins.' }),
    });
    setBridge(bridge);
    await store.getState().loadStatus();
    await store.getState().checkIn();
    expect(store.getState().licenseAction).toMatchObject({ kind: 'failed', action: 'check-in', code: 'CHECK_IN_NOT_REQUIRED' });
    expect(store.getState().license).toEqual({ kind: 'loaded', report });
    expect(store.getState().notices).toEqual([]);
  });

  it('deactivate says "Machine deactivated." and refreshes the status offline', async () => {
    const { bridge, calls } = fakeBridge({
      'license:deactivate': async () => ({ ok: true, value: { licenseId: 'l', machineId: 'm' } }),
      'license:status': async () => ({ ok: true, value: notActivatedReport() }),
    });
    setBridge(bridge);
    await store.getState().deactivate();
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['license:deactivate', {}],
      ['license:status', { online: false }],
    ]);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Machine deactivated.']);
    const view = store.getState().license;
    expect(view.kind === 'loaded' && view.report.licensed).toBe(false);
  });
});
