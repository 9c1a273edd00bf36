/** The license slice: the status load, check in / renew / deactivate with their notices, choosing the active license, dismissing the set-aside notice. */
import { beforeEach, describe, expect, it } from 'vitest';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import type { LicenseFacts } from '../../src/licensing/manager.types.js';
import { fakeBridge } from './fake-bridge.js';
import { installed, licensedReport, notActivatedReport } from './fixtures.js';

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

  it('deactivate says "Machine deactivated." and refreshes the status offline and the installed licenses', async () => {
    const { bridge, calls } = fakeBridge({
      'license:deactivate': async () => ({ ok: true, value: { licenseId: 'l', machineId: 'm' } }),
      'license:status': async () => ({ ok: true, value: notActivatedReport() }),
      'licenses:list': async () => ({ ok: true, value: { data: [], next: null } }),
    });
    setBridge(bridge);
    await store.getState().deactivate();
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['license:deactivate', {}],
      ['license:status', { online: false }],
      ['licenses:list', { limit: 100 }],
    ]);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Machine deactivated.']);
    const view = store.getState().license;
    expect(view.kind === 'loaded' && view.report.licensed).toBe(false);
    expect(store.getState().installed).toEqual({ kind: 'loaded', licenses: [] });
  });
});

describe('choosing the active license', () => {
  const facts = (id: string, name: string): LicenseFacts => ({ ...(licensedReport().license as LicenseFacts), id, name });
  const first = installed('lic-first', { active: true, license: facts('lic-first', 'Demo first') });
  const second = installed('lic-second', { active: false, license: facts('lic-second', 'Demo second') });

  it('"Use" pins the license in the core, says so, then shows the status and the list the core now gives', async () => {
    const chosenReport = licensedReport({ summary: 'Licensed offline until 1 Jan 2027 (license file).' });
    let active = 'lic-first';
    const { bridge, calls } = fakeBridge({
      'licenses:use': async ({ id }) => {
        active = id;
        return { ok: true, value: { ...second, active: true, pinned: true } };
      },
      'license:status': async () => ({ ok: true, value: chosenReport }),
      'licenses:list': async () => ({ ok: true, value: { data: [first, second].map((entry) => ({ ...entry, active: entry.id === active })), next: null } }),
    });
    setBridge(bridge);
    const pending = store.getState().chooseLicense('lic-second');
    expect(store.getState().licenseChoice).toEqual({ kind: 'working', id: 'lic-second' });
    await pending;
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['licenses:use', { id: 'lic-second' }],
      ['license:status', { online: false }],
      ['licenses:list', { limit: 100 }],
    ]);
    expect(store.getState().licenseChoice).toEqual({ kind: 'idle' });
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Now using Demo second.']);
    expect(store.getState().license).toEqual({ kind: 'loaded', report: chosenReport });
    const list = store.getState().installed;
    expect(list.kind === 'loaded' && list.licenses.filter((entry) => entry.active).map((entry) => entry.id)).toEqual(['lic-second']);
  });

  it('a refusal is shown with its code; nothing is reloaded and nothing noticed', async () => {
    const { bridge, calls } = fakeBridge({ 'licenses:use': async () => ({ ok: false, code: 'LICENSE_NOT_INSTALLED', message: 'No installed license has this id.' }) });
    setBridge(bridge);
    await store.getState().chooseLicense('lic-gone');
    expect(store.getState().licenseChoice).toEqual({ kind: 'failed', id: 'lic-gone', code: 'LICENSE_NOT_INSTALLED', message: 'No installed license has this id.' });
    expect(calls.map((call) => call.name)).toEqual(['licenses:use']);
    expect(store.getState().notices).toEqual([]);
  });

  it('a second choice while one is in flight is ignored', async () => {
    let release: () => void = () => undefined;
    const { bridge, calls } = fakeBridge({
      'licenses:use': () => new Promise((resolve) => (release = () => resolve({ ok: true, value: second }))),
      'license:status': async () => ({ ok: true, value: licensedReport() }),
      'licenses:list': async () => ({ ok: true, value: { data: [first, second], next: null } }),
    });
    setBridge(bridge);
    const pending = store.getState().chooseLicense('lic-second');
    await store.getState().chooseLicense('lic-first');
    release();
    await pending;
    expect(calls.filter((call) => call.name === 'licenses:use')).toEqual([{ name: 'licenses:use', input: { id: 'lic-second' } }]);
  });
});

describe('dismissing the notice of a damaged state set aside', () => {
  const setAside = { code: 'STATE_SET_ASIDE', message: 'set aside (dismiss with "tessera licenses dismiss-notices").', uiMessage: 'set aside.', at: '2026-03-01T00:00:00.000Z' } as const;

  it('asks the core to forget it, says so, and shows the status without it', async () => {
    let notices = [setAside];
    const { bridge, calls } = fakeBridge({
      'license:status': async () => ({ ok: true, value: licensedReport({ warnings: notices }) }),
      'licenses:dismiss-notices': async () => {
        notices = [];
        return { ok: true, value: null };
      },
    });
    setBridge(bridge);
    await store.getState().loadStatus();
    await store.getState().dismissStateNotices();
    expect(calls.map((call) => [call.name, call.input])).toEqual([
      ['license:status', {}],
      ['licenses:dismiss-notices', {}],
      ['license:status', { online: false }],
    ]);
    const view = store.getState().license;
    expect(view.kind === 'loaded' && view.report.warnings).toEqual([]);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Notice dismissed.']);
  });

  it('a refusal (the state cannot be written) is kept to show, and the notice stays', async () => {
    const { bridge } = fakeBridge({
      'license:status': async () => ({ ok: true, value: licensedReport({ warnings: [setAside] }) }),
      'licenses:dismiss-notices': async () => ({ ok: false, code: 'DATA_FOLDER_READ_ONLY', message: 'read-only' }),
    });
    setBridge(bridge);
    await store.getState().loadStatus();
    await store.getState().dismissStateNotices();
    expect(store.getState().noticeDismissal).toEqual({ kind: 'failed', code: 'DATA_FOLDER_READ_ONLY', message: 'read-only' });
    const view = store.getState().license;
    expect(view.kind === 'loaded' && view.report.warnings).toEqual([setAside]);
    expect(store.getState().notices).toEqual([]);
  });
});
