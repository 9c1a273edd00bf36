/** The settings slice's "Run checks": idle → running → done with the core's report, or failed with its code. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../src/contract/doctor.js';
import { setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

const REPORT: DoctorReport = {
  ok: false,
  checks: [
    { id: 'config', title: 'Vendor configuration', verdict: 'ok', summary: 'From the file /etc/acme.json.', fix: null, code: null },
    { id: 'keychain', title: 'Keychain', verdict: 'fail', summary: 'The keychain could not be reached.', fix: 'Unlock it.', code: 'KEYCHAIN_UNAVAILABLE' },
  ],
};

describe('settings slice: checks', () => {
  it('runs the checks once at a time and keeps the report as the core gave it', async () => {
    let answer: (report: DoctorReport) => void = () => undefined;
    const { bridge, calls } = fakeBridge({ 'settings:doctor': () => new Promise((resolve) => (answer = (report) => resolve({ ok: true, value: report }))) });
    setBridge(bridge);
    expect(store.getState().checks).toEqual({ kind: 'idle' });
    const running = store.getState().runChecks();
    expect(store.getState().checks).toEqual({ kind: 'running' });
    await store.getState().runChecks();
    answer(REPORT);
    await running;
    expect(calls).toEqual([{ name: 'settings:doctor', input: {} }]);
    expect(store.getState().checks).toEqual({ kind: 'done', report: REPORT });
    expect(store.getState().notices.at(-1)?.text).toBe('Checks done: 1 failed.');
  });

  it('a refusal (signed out) is a failed state with its code', async () => {
    const { bridge } = fakeBridge({ 'settings:doctor': async () => ({ ok: false, code: 'SESSION_REQUIRED', message: 'sign in' }) });
    setBridge(bridge);
    await store.getState().runChecks();
    expect(store.getState().checks).toEqual({ kind: 'failed', code: 'SESSION_REQUIRED', message: 'sign in' });
  });
});
