/** The administrator slice: sign-in (the token sent once, never kept), the product's licenses page by page with a search, and exports. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { AdminLicense, AdminSession, ExportFile } from '../../src/contract/admin.js';
import { installServices, setBridge } from '../../renderer/bridge/bridge.js';
import { resetStore, store } from '../../renderer/store/store.js';
import { fakeBridge } from './fake-bridge.js';

beforeEach(() => {
  resetStore();
  setBridge(null);
});

const SESSION: AdminSession = { tokenId: '40aedd81-3a9c-4092-9190-682e60f12448', bearer: { kind: 'admin', id: 'user-1', name: 'Ada' }, signedInAt: '2030-01-01T00:00:00.000Z' };
const TOKEN = 'admin-0123456789abcdef0123456789abcdefv3';

function license(index: number): AdminLicense {
  return { id: `license-${index}`, name: `License ${index}`, keyHint: 'ABCDEF…V3', policy: null, status: 'ACTIVE', expiry: null, used: 1, max: 3, lastValidated: null, owner: null, created: null };
}

describe('admin slice: sign-in', () => {
  it('sends the token once, keeps only the session, and says so', async () => {
    const { bridge, calls } = fakeBridge({ 'admin:sign-in': async () => ({ ok: true, value: SESSION }) });
    setBridge(bridge);
    await store.getState().signIn(TOKEN);
    expect(calls).toEqual([{ name: 'admin:sign-in', input: { token: TOKEN } }]);
    expect(store.getState().adminSession).toEqual({ kind: 'signed-in', session: SESSION });
    expect(JSON.stringify(store.getState())).not.toContain(TOKEN);
    expect(store.getState().notices.map((notice) => notice.text)).toEqual(['Signed in as administrator.']);
  });

  it('a refused token is failed with its code; signing out forgets the session', async () => {
    const { bridge } = fakeBridge({
      'admin:sign-in': async () => ({ ok: false, code: 'ADMIN_TOKEN_REFUSED', message: 'refused' }),
      'admin:sign-out': async () => ({ ok: true, value: null }),
      'admin:session': async () => ({ ok: true, value: null }),
    });
    setBridge(bridge);
    await store.getState().signIn(TOKEN);
    expect(store.getState().adminSession).toEqual({ kind: 'failed', code: 'ADMIN_TOKEN_REFUSED', message: 'refused' });
    await store.getState().loadAdminSession();
    expect(store.getState().adminSession).toEqual({ kind: 'signed-out' });
    await store.getState().signOut();
    expect(store.getState().adminSession).toEqual({ kind: 'signed-out' });
  });
});

describe('admin slice: licenses', () => {
  it('walks every page of the search, keeping pages that matched nothing, until next is null', async () => {
    const pages = [[license(1), license(2)], [], [license(3)]];
    const { bridge, calls } = fakeBridge({
      'admin:licenses': async ({ page = 1 }) => ({ ok: true, value: { data: pages[page - 1] ?? [], next: page < pages.length ? page + 1 : null, total: 250 } }),
    });
    setBridge(bridge);
    await store.getState().loadLicenses('acme');
    expect(calls.map((call) => call.input)).toEqual([1, 2, 3].map((page) => ({ page, size: 100, search: 'acme' })));
    expect(store.getState().adminLicenses).toEqual({ kind: 'loaded', licenses: [license(1), license(2), license(3)], search: 'acme', total: 250 });
    expect(store.getState().licensesSearch).toBe('acme');
  });

  it('a sign-in that lapsed sends the person back to signing in', async () => {
    const { bridge } = fakeBridge({ 'admin:licenses': async () => ({ ok: false, code: 'ADMIN_SIGN_IN_REQUIRED', message: 'x' }) });
    setBridge(bridge);
    await store.getState().loadLicenses();
    expect(store.getState().adminSession).toEqual({ kind: 'signed-out' });
    expect(store.getState().adminLicenses).toMatchObject({ kind: 'failed', code: 'ADMIN_SIGN_IN_REQUIRED' });
  });

  it('exports every license of the current search as a download', async () => {
    const file: ExportFile = { fileName: 'tessera-licenses.json', mediaType: 'application/json', text: '{}', rows: 3 };
    const { bridge, calls } = fakeBridge({ 'admin:export-licenses': async () => ({ ok: true, value: file }) });
    const downloads: ExportFile[] = [];
    installServices({ bridge, copyText: async () => false, saveTheme: () => undefined, download: (offered) => (downloads.push(offered), true) });
    store.setState({ licensesSearch: 'ada@example.com' });
    await store.getState().exportLicenses('json');
    expect(calls.map((call) => call.input)).toEqual([{ format: 'json', search: 'ada@example.com' }]);
    expect(downloads).toEqual([file]);
  });
});
