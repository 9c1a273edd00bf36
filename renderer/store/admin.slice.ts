/**
 * The administrator views' state: who is signed in (the token itself stays in the core's
 * secret store and never comes back to the page), the product's licenses loaded page by page
 * with a search, and exports offered as downloads.
 */
import type { AdminLicense, AdminSession, ExportFile, ExportFormat, Result } from '../contract.js';
import { bridge, shell } from '../bridge/bridge.js';
import { MAX_PAGES } from './paging.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export const LICENSES_PAGE_SIZE = 100;

export type AdminSessionState =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'signing-in' }
  | { readonly kind: 'signed-in'; readonly session: AdminSession }
  | ({ readonly kind: 'failed' } & Refusal);

export type LicensesView =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly loaded: number; readonly total: number | null; readonly previous: readonly AdminLicense[] | null }
  | { readonly kind: 'loaded'; readonly licenses: readonly AdminLicense[]; readonly search: string; readonly total: number | null }
  | ({ readonly kind: 'failed' } & Refusal);

export type ExportStatus = { readonly kind: 'idle' } | { readonly kind: 'working'; readonly what: string } | ({ readonly kind: 'failed' } & Refusal);

export interface AdminSlice {
  readonly adminSession: AdminSessionState;
  readonly adminLicenses: LicensesView;
  readonly licensesSearch: string;
  readonly exportStatus: ExportStatus;
  /** Asks the core who is signed in. */
  loadAdminSession(): Promise<void>;
  /** Signs in with a token typed into the page; the page forgets it as soon as it is sent. */
  signIn(token: string): Promise<void>;
  signOut(): Promise<void>;
  /** Loads every page of the product's licenses matching `search` (the last search when absent). */
  loadLicenses(search?: string): Promise<void>;
  /** Runs an export in the core and offers the file as a download ("Exported 10,000 seats."). */
  download(what: string, run: () => Promise<Result<ExportFile>>): Promise<void>;
  exportLicenses(format: ExportFormat): Promise<void>;
}

export const createAdminSlice: SliceCreator<AdminSlice> = (set, get) => {
  let latest = 0;
  return {
    adminSession: { kind: 'unknown' },
    adminLicenses: { kind: 'idle' },
    licensesSearch: '',
    exportStatus: { kind: 'idle' },
    async loadAdminSession() {
      const result = await bridge().admin.session();
      if (!result.ok) return set({ adminSession: { kind: 'failed', ...refusalOf(result) } });
      set({ adminSession: result.value === null ? { kind: 'signed-out' } : { kind: 'signed-in', session: result.value } });
    },
    async signIn(token) {
      if (get().adminSession.kind === 'signing-in') return;
      set({ adminSession: { kind: 'signing-in' } });
      const result = await bridge().admin.signIn(token);
      if (!result.ok) return set({ adminSession: { kind: 'failed', ...refusalOf(result) } });
      set({ adminSession: { kind: 'signed-in', session: result.value }, adminLicenses: { kind: 'idle' } });
      get().notify('Signed in as administrator.');
    },
    async signOut() {
      const result = await bridge().admin.signOut();
      if (!result.ok) return set({ adminSession: { kind: 'failed', ...refusalOf(result) } });
      set({ adminSession: { kind: 'signed-out' }, adminLicenses: { kind: 'idle' } });
      get().notify('Signed out.');
    },
    async loadLicenses(search) {
      const request = ++latest;
      const query = search ?? get().licensesSearch;
      const shown = get().adminLicenses;
      const previous = shown.kind === 'loaded' ? shown.licenses : null;
      set({ licensesSearch: query, adminLicenses: { kind: 'loading', loaded: 0, total: null, previous } });
      const licenses: AdminLicense[] = [];
      let total: number | null = null;
      // Every page: a search keeps what matches on each, so a page may come back empty while more follow.
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const result = await bridge().admin.licenses(page, LICENSES_PAGE_SIZE, query === '' ? undefined : query);
        if (request !== latest) return;
        if (!result.ok) {
          if (result.code === 'ADMIN_SIGN_IN_REQUIRED') set({ adminSession: { kind: 'signed-out' } });
          return set({ adminLicenses: { kind: 'failed', ...refusalOf(result) } });
        }
        licenses.push(...result.value.data);
        total = result.value.total;
        if (result.value.next === null) break;
        set({ adminLicenses: { kind: 'loading', loaded: page * LICENSES_PAGE_SIZE, total, previous } });
      }
      set({ adminLicenses: { kind: 'loaded', licenses, search: query, total } });
    },
    async download(what, run) {
      if (get().exportStatus.kind === 'working') return;
      set({ exportStatus: { kind: 'working', what } });
      const result = await run();
      if (!result.ok) return set({ exportStatus: { kind: 'failed', ...refusalOf(result) } });
      set({ exportStatus: { kind: 'idle' } });
      const offered = shell().download(result.value);
      get().notify(offered ? `Exported ${result.value.rows.toLocaleString('en')} ${what} (${result.value.fileName}).` : 'This window cannot save files.');
    },
    exportLicenses(format) {
      const search = get().licensesSearch;
      return get().download('licenses', () => bridge().admin.exportLicenses(format, search === '' ? undefined : search));
    },
  };
};
