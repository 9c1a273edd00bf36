/**
 * Offline license files: choosing or dropping one, importing it (with its license key when it
 * is encrypted), and the installed licenses. The certificate text stays with the screen that
 * holds it; the store only records what happened.
 */
import type { ChosenFile, InstalledLicense } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { readLicenseFile, type ReadableFile } from '../bridge/file-reader.js';
import { MAX_PAGES } from './paging.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export type ImportStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'choosing' }
  | { readonly kind: 'working'; readonly fileName: string }
  /** The file is encrypted: the screen asks for its license key and calls `importFile` again. */
  | { readonly kind: 'key-required'; readonly fileName: string }
  | { readonly kind: 'done'; readonly fileName: string; readonly license: InstalledLicense }
  | ({ readonly kind: 'failed'; readonly fileName: string | null } & Refusal);

export type InstalledView =
  | { readonly kind: 'loading' }
  | { readonly kind: 'loaded'; readonly licenses: readonly InstalledLicense[] }
  | ({ readonly kind: 'failed' } & Refusal);

export type RemovalStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly id: string }
  | ({ readonly kind: 'failed'; readonly id: string } & Refusal);

/** Page size for `licenses.list`. */
const INSTALLED_PAGE = 100;

export interface ImportSlice {
  readonly importStatus: ImportStatus;
  readonly installed: InstalledView;
  readonly removal: RemovalStatus;
  /** Opens the shell's file chooser (`null` when cancelled), or reads a dropped file; a refusal sets `importStatus`. */
  openFile(source: 'chooser' | ReadableFile): Promise<ChosenFile | null>;
  /** Imports a chosen file; on success adds the notice, then refreshes the status (offline) and the list. */
  importFile(file: ChosenFile, licenseKey?: string): Promise<ImportStatus['kind']>;
  cancelImport(): void;
  /** Loads every page of the installed licenses. */
  loadInstalled(): Promise<void>;
  removeInstalled(id: string): Promise<void>;
}

export const createImportSlice: SliceCreator<ImportSlice> = (set, get) => {
  let latestList = 0;
  return {
    importStatus: { kind: 'idle' },
    installed: { kind: 'loading' },
    removal: { kind: 'idle' },
    async openFile(source) {
      set({ importStatus: { kind: 'choosing' } });
      const result = source === 'chooser' ? await bridge().files.chooseFile() : await readLicenseFile(source);
      if (!result.ok) {
        set({ importStatus: { kind: 'failed', fileName: source === 'chooser' ? null : source.name, ...refusalOf(result) } });
        return null;
      }
      if (result.value === null) set({ importStatus: { kind: 'idle' } });
      return result.value;
    },
    async importFile(file, licenseKey) {
      set({ importStatus: { kind: 'working', fileName: file.name } });
      const result = await bridge().files.import(file.certificate, licenseKey);
      if (!result.ok) {
        const status: ImportStatus =
          result.code === 'LICENSE_KEY_REQUIRED' && licenseKey === undefined
            ? { kind: 'key-required', fileName: file.name }
            : { kind: 'failed', fileName: file.name, ...refusalOf(result) };
        set({ importStatus: status });
        return status.kind;
      }
      set({ importStatus: { kind: 'done', fileName: file.name, license: result.value } });
      get().notify('Imported license file.');
      await Promise.all([get().loadStatus({ online: false }), get().loadInstalled()]);
      return 'done';
    },
    cancelImport: () => set({ importStatus: { kind: 'idle' } }),
    async loadInstalled() {
      const request = ++latestList;
      if (get().installed.kind !== 'loaded') set({ installed: { kind: 'loading' } });
      const licenses: InstalledLicense[] = [];
      let after: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const result = await bridge().licenses.list(after, INSTALLED_PAGE);
        if (request !== latestList) return;
        if (!result.ok) return set({ installed: { kind: 'failed', ...refusalOf(result) } });
        licenses.push(...result.value.data);
        if (result.value.next === null || result.value.next === after || result.value.data.length === 0) break;
        after = result.value.next;
      }
      set({ installed: { kind: 'loaded', licenses } });
    },
    async removeInstalled(id) {
      if (get().removal.kind === 'working') return;
      set({ removal: { kind: 'working', id } });
      const result = await bridge().licenses.remove(id);
      if (!result.ok) return set({ removal: { kind: 'failed', id, ...refusalOf(result) } });
      set({ removal: { kind: 'idle' } });
      get().notify('Removed the license.');
      await Promise.all([get().loadStatus({ online: false }), get().loadInstalled()]);
    },
  };
};
