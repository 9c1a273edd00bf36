/**
 * The connected machine's side: fulfilling dropped requests and receipts (or a removable
 * drive's), with who pays (a license key, an administrator token, or the key each request
 * carries), and a result per file whose response or confirmation can be saved.
 */
import type { CarriedFile, FulfilAccess, FulfilResult } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export type FulfilStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly done: number; readonly total: number }
  | { readonly kind: 'done'; readonly results: readonly FulfilResult[] }
  | ({ readonly kind: 'failed' } & Refusal);

/** Files fulfilled at once from the Fulfil screen. */
const CONCURRENCY = 4;

export interface FulfilSlice {
  readonly fulfilment: FulfilStatus;
  /** Fulfils each file (a few at a time); results in the files' order. */
  fulfilFiles(files: readonly CarriedFile[], access: FulfilAccess): Promise<readonly FulfilResult[]>;
  /** Fulfils what a removable drive holds; the outputs are written next to each file on it. */
  fulfilDrive(drive: string, access: FulfilAccess): Promise<void>;
  resetFulfilment(): void;
}

export const createFulfilSlice: SliceCreator<FulfilSlice> = (set, get) => ({
  fulfilment: { kind: 'idle' },
  async fulfilFiles(files, access) {
    const results: FulfilResult[] = new Array<FulfilResult>(files.length);
    let next = 0;
    let done = 0;
    set({ fulfilment: { kind: 'working', done: 0, total: files.length } });
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const index = next++;
        const file = files[index] as CarriedFile;
        const result = await bridge().airgap.fulfilFile(file, access);
        results[index] = result.ok ? result.value : { file: file.name, kind: 'activation', ok: false, code: result.code, message: result.message };
        done += 1;
        set({ fulfilment: { kind: 'working', done, total: files.length } });
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, files.length) }, worker));
    set({ fulfilment: { kind: 'done', results } });
    const succeeded = results.filter((result) => result.ok).length;
    get().notify(`Fulfilled ${succeeded} of ${results.length} file${results.length === 1 ? '' : 's'}.`);
    return results;
  },
  async fulfilDrive(drive, access) {
    set({ fulfilment: { kind: 'working', done: 0, total: 0 } });
    const result = await bridge().drives.fulfil(drive, access);
    if (!result.ok) return set({ fulfilment: { kind: 'failed', ...refusalOf(result) } });
    set({ fulfilment: { kind: 'done', results: result.value.results } });
    const succeeded = result.value.results.filter((entry) => entry.ok).length;
    get().notify(`Fulfilled ${succeeded} of ${result.value.results.length} files on the drive.`);
  },
  resetFulfilment: () => set({ fulfilment: { kind: 'idle' } }),
});
