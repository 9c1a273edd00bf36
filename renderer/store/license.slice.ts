/** The status report of this machine's license, and the actions on it (check in, renew, deactivate). */
import type { StatusReport } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

/** The report as the core decided it; `failed` when the core could not be asked (signed out, not running). */
export type LicenseView = { readonly kind: 'loading' } | { readonly kind: 'loaded'; readonly report: StatusReport } | ({ readonly kind: 'failed' } & Refusal);

export type LicenseAction = 'check-in' | 'renew' | 'deactivate';

export type LicenseActionStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly action: LicenseAction }
  | { readonly kind: 'done'; readonly action: LicenseAction }
  | ({ readonly kind: 'failed'; readonly action: LicenseAction } & Refusal);

export interface LicenseSlice {
  readonly license: LicenseView;
  readonly licenseAction: LicenseActionStatus;
  /** Asks the core for the status (`online: false` never touches the network). Keeps the shown report while refreshing. */
  loadStatus(options?: { readonly online?: boolean }): Promise<void>;
  /** Shows a report another action returned (activation). */
  showReport(report: StatusReport): void;
  checkIn(): Promise<void>;
  renew(): Promise<void>;
  deactivate(): Promise<void>;
}

const DONE_NOTICE: Readonly<Record<LicenseAction, string>> = { 'check-in': 'Checked in.', renew: 'Renewed.', deactivate: 'Machine deactivated.' };

export const createLicenseSlice: SliceCreator<LicenseSlice> = (set, get) => {
  // A newer answer wins: an older request finishing late must not overwrite it.
  let latest = 0;
  const showReport = (report: StatusReport): void => {
    latest += 1;
    set({ license: { kind: 'loaded', report } });
  };

  async function run(action: LicenseAction): Promise<void> {
    if (get().licenseAction.kind === 'working') return;
    set({ licenseAction: { kind: 'working', action } });
    const verbs = bridge().license;
    if (action === 'deactivate') {
      const result = await verbs.deactivate();
      if (!result.ok) return set({ licenseAction: { kind: 'failed', action, ...refusalOf(result) } });
      set({ licenseAction: { kind: 'done', action } });
      get().notify(DONE_NOTICE[action]);
      return get().loadStatus({ online: false });
    }
    const result = action === 'check-in' ? await verbs.checkIn() : await verbs.renew();
    if (!result.ok) return set({ licenseAction: { kind: 'failed', action, ...refusalOf(result) } });
    showReport(result.value);
    set({ licenseAction: { kind: 'done', action } });
    get().notify(DONE_NOTICE[action]);
  }

  return {
    license: { kind: 'loading' },
    licenseAction: { kind: 'idle' },
    async loadStatus(options) {
      const request = ++latest;
      if (get().license.kind !== 'loaded') set({ license: { kind: 'loading' } });
      const verb = bridge().license.status;
      const result = options?.online === undefined ? await verb() : await verb(options.online);
      if (request !== latest) return;
      set({ license: result.ok ? { kind: 'loaded', report: result.value } : { kind: 'failed', ...refusalOf(result) } });
    },
    showReport,
    checkIn: () => run('check-in'),
    renew: () => run('renew'),
    deactivate: () => run('deactivate'),
  };
};
