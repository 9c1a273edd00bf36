/** The audit log as Settings shows it: the newest administrator actions recorded on this machine. */
import type { AuditEntry } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

/** Entries shown in Settings; `tessera audit` reads them all. */
export const AUDIT_SHOWN = 200;

export type AuditView =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'loaded'; readonly entries: readonly AuditEntry[]; readonly path: string }
  | ({ readonly kind: 'failed' } & Refusal);

export interface AuditSlice {
  readonly audit: AuditView;
  loadAudit(): Promise<void>;
}

export const createAuditSlice: SliceCreator<AuditSlice> = (set) => ({
  audit: { kind: 'idle' },
  async loadAudit() {
    set({ audit: { kind: 'loading' } });
    const result = await bridge().audit.list(AUDIT_SHOWN);
    set({ audit: result.ok ? { kind: 'loaded', entries: result.value.entries, path: result.value.path } : { kind: 'failed', ...refusalOf(result) } });
  },
});
