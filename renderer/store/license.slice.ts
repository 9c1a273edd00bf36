/**
 * The status report of this machine's license and the actions on it (check in, renew,
 * deactivate), choosing which installed license is the active one, and dismissing the notice
 * about a damaged state set aside.
 */
import type { StatusReport } from '../contract.js';
import { bridge } from '../bridge/bridge.js';
import { installedName } from '../format/license-name.js';
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

/** Choosing the active license: the id being chosen, or the one the core refused. */
export type LicenseChoiceStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working'; readonly id: string }
  | ({ readonly kind: 'failed'; readonly id: string } & Refusal);

export type NoticeDismissalStatus = { readonly kind: 'idle' } | { readonly kind: 'working' } | ({ readonly kind: 'failed' } & Refusal);

export interface LicenseSlice {
  readonly license: LicenseView;
  readonly licenseAction: LicenseActionStatus;
  readonly licenseChoice: LicenseChoiceStatus;
  readonly noticeDismissal: NoticeDismissalStatus;
  /** Asks the core for the status (`online: false` never touches the network). Keeps the shown report while refreshing. */
  loadStatus(options?: { readonly online?: boolean }): Promise<void>;
  /** Shows a report another action returned (activation). */
  showReport(report: StatusReport): void;
  checkIn(): Promise<void>;
  renew(): Promise<void>;
  /** Deactivates; on success says so, then refreshes the status (offline) and the installed licenses. */
  deactivate(): Promise<void>;
  /** Makes installed license `id` the active one; on success says so, then refreshes the status (offline) and the installed licenses. */
  chooseLicense(id: string): Promise<void>;
  /** Forgets the notices about damaged states set aside; on success says so and refreshes the status (offline). */
  dismissStateNotices(): Promise<void>;
}

const DONE_NOTICE: Readonly<Record<LicenseAction, string>> = { 'check-in': 'Checked in.', renew: 'Renewed.', deactivate: 'Machine deactivated.' };

export const createLicenseSlice: SliceCreator<LicenseSlice> = (set, get) => {
  // A newer answer wins: an older request finishing late must not overwrite it.
  let latest = 0;
  const showReport = (report: StatusReport): void => {
    latest += 1;
    set({ license: { kind: 'loaded', report } });
  };
  /** After a change to the installed licenses: what the status and the list say now. */
  const refresh = async (): Promise<void> => {
    await Promise.all([get().loadStatus({ online: false }), get().loadInstalled()]);
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
      return refresh();
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
    licenseChoice: { kind: 'idle' },
    noticeDismissal: { kind: 'idle' },
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
    async chooseLicense(id) {
      if (get().licenseChoice.kind === 'working') return;
      set({ licenseChoice: { kind: 'working', id } });
      const result = await bridge().licenses.use(id);
      if (!result.ok) return set({ licenseChoice: { kind: 'failed', id, ...refusalOf(result) } });
      set({ licenseChoice: { kind: 'idle' } });
      get().notify(`Now using ${installedName(result.value)}.`);
      await refresh();
    },
    async dismissStateNotices() {
      if (get().noticeDismissal.kind === 'working') return;
      set({ noticeDismissal: { kind: 'working' } });
      const result = await bridge().licenses.dismissNotices();
      if (!result.ok) return set({ noticeDismissal: { kind: 'failed', ...refusalOf(result) } });
      set({ noticeDismissal: { kind: 'idle' } });
      get().notify('Notice dismissed.');
      await get().loadStatus({ online: false });
    },
  };
};
