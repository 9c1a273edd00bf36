/**
 * The air-gapped machine's side: this machine's fingerprint, its activation request (saved, and
 * shown as QR codes), importing several files at once (responses, license and machine files)
 * with a result per file, offline deactivation with its receipt, and the removable drives on
 * offer. File texts pass through as arguments; the store keeps only what happened.
 */
import type { AirgapMachine, CarriedFile, CreatedRequest, DriveView, ImportResult, OfflineDeactivation } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export type MachineView = { readonly kind: 'loading' } | { readonly kind: 'loaded'; readonly machine: AirgapMachine } | ({ readonly kind: 'failed' } & Refusal);
export type RequestStatus = { readonly kind: 'idle' } | { readonly kind: 'working' } | { readonly kind: 'done'; readonly request: CreatedRequest } | ({ readonly kind: 'failed' } & Refusal);
export type ImportBatch =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly done: number; readonly total: number }
  | { readonly kind: 'done'; readonly results: readonly ImportResult[] }
  | ({ readonly kind: 'failed' } & Refusal);
export type OfflineDeactivationStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working' }
  | { readonly kind: 'done'; readonly result: OfflineDeactivation }
  | ({ readonly kind: 'failed' } & Refusal);
export type DrivesView = { readonly kind: 'idle' } | { readonly kind: 'loaded'; readonly drives: readonly DriveView[] } | ({ readonly kind: 'failed' } & Refusal);

export interface AirgapSlice {
  readonly machineView: MachineView;
  readonly request: RequestStatus;
  readonly importBatch: ImportBatch;
  readonly offlineDeactivation: OfflineDeactivationStatus;
  readonly drives: DrivesView;
  loadMachine(): Promise<void>;
  /** Makes the request (with the license key only when given) and offers it for saving. */
  createRequest(licenseKey?: string): Promise<void>;
  /** Offers a file for saving (the save dialog, or a download); notifies when saved. */
  saveFile(file: CarriedFile): Promise<void>;
  /** Imports each file in turn; refreshes the status and the installed list once. Resolves to the results. */
  importFiles(files: readonly CarriedFile[], licenseKey?: string): Promise<readonly ImportResult[]>;
  /** Imports what a removable drive holds for this machine. */
  importDrive(drive: string, licenseKey?: string): Promise<void>;
  deactivateOffline(): Promise<void>;
  loadDrives(): Promise<void>;
  resetImportBatch(): void;
}

export const createAirgapSlice: SliceCreator<AirgapSlice> = (set, get) => {
  const afterImport = async (results: readonly ImportResult[]): Promise<void> => {
    const installed = results.filter((result) => result.ok).length;
    if (installed > 0) get().notify(installed === 1 ? 'Imported 1 file.' : `Imported ${installed} files.`);
    await Promise.all([get().loadStatus({ online: false }), get().loadInstalled()]);
  };
  return {
    machineView: { kind: 'loading' },
    request: { kind: 'idle' },
    importBatch: { kind: 'idle' },
    offlineDeactivation: { kind: 'idle' },
    drives: { kind: 'idle' },
    async loadMachine() {
      const result = await bridge().airgap.machine();
      set({ machineView: result.ok ? { kind: 'loaded', machine: result.value } : { kind: 'failed', ...refusalOf(result) } });
    },
    async createRequest(licenseKey) {
      if (get().request.kind === 'working') return;
      set({ request: { kind: 'working' } });
      const result = await bridge().airgap.createRequest(licenseKey);
      if (!result.ok) return set({ request: { kind: 'failed', ...refusalOf(result) } });
      set({ request: { kind: 'done', request: result.value } });
      await get().saveFile(result.value.file);
    },
    async saveFile(file) {
      const result = await bridge().files.save(file);
      if (result.ok && result.value.saved) get().notify(`Saved ${file.name}.`);
      else if (!result.ok) get().notify(`Not saved: ${result.message}`);
    },
    async importFiles(files, licenseKey) {
      const results: ImportResult[] = [];
      set({ importBatch: { kind: 'working', done: 0, total: files.length } });
      for (const file of files) {
        const result = await bridge().airgap.importFile(file, licenseKey);
        results.push(result.ok ? result.value : { file: file.name, kind: 'unknown', ok: false, code: result.code, message: result.message });
        set({ importBatch: { kind: 'working', done: results.length, total: files.length } });
      }
      set({ importBatch: { kind: 'done', results } });
      await afterImport(results);
      return results;
    },
    async importDrive(drive, licenseKey) {
      set({ importBatch: { kind: 'working', done: 0, total: 0 } });
      const result = await bridge().drives.import(drive, licenseKey);
      if (!result.ok) return set({ importBatch: { kind: 'failed', ...refusalOf(result) } });
      set({ importBatch: { kind: 'done', results: result.value.results } });
      await afterImport(result.value.results);
    },
    async deactivateOffline() {
      if (get().offlineDeactivation.kind === 'working') return;
      set({ offlineDeactivation: { kind: 'working' } });
      const result = await bridge().airgap.deactivateOffline();
      if (!result.ok) return set({ offlineDeactivation: { kind: 'failed', ...refusalOf(result) } });
      set({ offlineDeactivation: { kind: 'done', result: result.value } });
      get().notify('License removed from this machine. Save the receipt.');
      await Promise.all([get().loadStatus({ online: false }), get().loadInstalled(), get().saveFile(result.value.receipt)]);
    },
    async loadDrives() {
      const result = await bridge().drives.list();
      set({ drives: result.ok ? { kind: 'loaded', drives: result.value } : { kind: 'failed', ...refusalOf(result) } });
    },
    resetImportBatch: () => set({ importBatch: { kind: 'idle' } }),
  };
};
