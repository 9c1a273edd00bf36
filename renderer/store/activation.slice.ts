/**
 * Activating this machine with a license key. The key is an argument only: it never enters
 * the store, so nothing that reads or logs the state can see it.
 */
import type { StatusReport } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export type ActivationStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working' }
  | { readonly kind: 'done'; readonly report: StatusReport }
  | ({ readonly kind: 'failed' } & Refusal);

export interface ActivationSlice {
  readonly activation: ActivationStatus;
  /** Activates; on success shows the returned report, adds "Activated." and goes to the Status screen. Resolves to whether it succeeded. */
  activate(licenseKey: string): Promise<boolean>;
  resetActivation(): void;
}

export const createActivationSlice: SliceCreator<ActivationSlice> = (set, get) => ({
  activation: { kind: 'idle' },
  async activate(licenseKey) {
    if (get().activation.kind === 'working') return false;
    set({ activation: { kind: 'working' } });
    const result = await bridge().license.activate(licenseKey);
    if (!result.ok) {
      set({ activation: { kind: 'failed', ...refusalOf(result) } });
      return false;
    }
    get().showReport(result.value);
    set({ activation: { kind: 'done', report: result.value } });
    get().notify('Activated.');
    get().navigate('status');
    return true;
  },
  resetActivation: () => set({ activation: { kind: 'idle' } }),
});
