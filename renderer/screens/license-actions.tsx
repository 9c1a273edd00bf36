/**
 * The buttons on the active license: Check in only when its policy asks for check-ins, Renew,
 * and Deactivate (which the screen confirms first).
 */
import type { StatusReport } from '../contract.js';
import type { LicenseAction } from '../store/license.slice.js';
import { useTessera } from '../store/use-tessera.js';

const ACTION_LABELS: Readonly<Record<LicenseAction, { readonly idle: string; readonly working: string }>> = {
  'check-in': { idle: 'Check in', working: 'Checking in…' },
  renew: { idle: 'Renew', working: 'Renewing…' },
  deactivate: { idle: 'Deactivate', working: 'Deactivating…' },
};

export function LicenseActionButtons({ report, onDeactivate }: { readonly report: StatusReport; readonly onDeactivate: () => void }): React.JSX.Element {
  const status = useTessera((state) => state.licenseAction);
  const checkIn = useTessera((state) => state.checkIn);
  const renew = useTessera((state) => state.renew);
  const working = status.kind === 'working' ? status.action : null;
  const label = (action: LicenseAction): string => (working === action ? ACTION_LABELS[action].working : ACTION_LABELS[action].idle);
  // The core reports a next check-in only when the policy requires check-ins; otherwise it would refuse one (CHECK_IN_NOT_REQUIRED).
  const offersCheckIn = report.nextCheckIn !== null;
  return (
    <div className="actions">
      {offersCheckIn ? (
        <button type="button" className="button primary" disabled={working !== null} onClick={() => void checkIn()}>
          {label('check-in')}
        </button>
      ) : null}
      <button type="button" className={offersCheckIn ? 'button' : 'button primary'} disabled={working !== null} onClick={() => void renew()}>
        {label('renew')}
      </button>
      <button type="button" className="button danger-outline" disabled={working !== null} onClick={onDeactivate}>
        {label('deactivate')}
      </button>
    </div>
  );
}
