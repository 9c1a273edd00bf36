/** `#/status`: what the core decided about this machine's license, and the actions on it. */
import { useEffect, useState } from 'react';
import type { StatusReport } from '../contract.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { DateWithCountdown } from '../components/date-with-countdown.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useNow } from '../components/use-now.js';
import { shortFingerprint } from '../format/fingerprint.js';
import { formatDateTime } from '../format/time.js';
import { useTessera } from '../store/use-tessera.js';
import { LicenseActionButtons } from './license-actions.js';
import { LicenseChooser } from './license-chooser.js';
import { StatusCard } from './status-card.js';
import { StatusWarnings } from './status-warnings.js';

function Details({ report, now }: { readonly report: StatusReport; readonly now: number }): React.JSX.Element | null {
  const license = report.license;
  if (license === null) return null;
  return (
    <section className="card">
      <h2>License details</h2>
      <dl className="facts">
        <dt>License</dt>
        <dd>
          {license.name ?? license.id}
          {license.name === null ? null : (
            <>
              {' '}
              <code className="muted">{license.id}</code>
            </>
          )}
        </dd>
        <dt>Policy</dt>
        <dd>{license.policy === null ? '—' : (license.policy.name ?? license.policy.id)}</dd>
        <dt>Expires</dt>
        <dd>
          <DateWithCountdown value={license.expiry} none="Never" now={now} />
        </dd>
        <dt>Entitlements</dt>
        <dd>{license.entitlements.length === 0 ? 'None' : license.entitlements.join(', ')}</dd>
        <dt>Machine</dt>
        <dd>{license.machine === null ? 'Not activated on a machine' : (license.machine.name ?? license.machine.id)}</dd>
        {license.machine === null ? null : (
          <>
            <dt>Fingerprint</dt>
            <dd>
              <code title={license.machine.fingerprint}>{shortFingerprint(license.machine.fingerprint)}</code>
            </dd>
          </>
        )}
        <dt>Last check-in</dt>
        <dd>{formatDateTime(report.lastCheckIn, 'Never')}</dd>
        <dt>Next check-in</dt>
        <dd>
          <DateWithCountdown value={report.nextCheckIn} none="Not required" now={now} />
        </dd>
        <dt>Machine file valid until</dt>
        <dd>
          <DateWithCountdown value={report.fileExpiry} none="No expiry" now={now} />
        </dd>
        <dt>Source</dt>
        <dd>{report.source === 'online' ? 'Online (confirmed by the licensing server)' : 'Offline (from the stored file)'}</dd>
      </dl>
    </section>
  );
}

/** The actions on the active license, Deactivate after a confirmation. */
function LicenseActions({ report }: { readonly report: StatusReport }): React.JSX.Element {
  const status = useTessera((state) => state.licenseAction);
  const deactivate = useTessera((state) => state.deactivate);
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <LicenseActionButtons report={report} onDeactivate={() => setConfirming(true)} />
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} /> : null}
      <ConfirmDialog
        open={confirming}
        title="Deactivate this machine?"
        confirmLabel="Yes, deactivate"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void deactivate();
        }}
      >
        <p>This frees its seat on the licensing server and removes the license from this machine. You can activate again later with the license key.</p>
      </ConfirmDialog>
    </>
  );
}

export function StatusScreen(): React.JSX.Element {
  const view = useTessera((state) => state.license);
  const installed = useTessera((state) => state.installed);
  const loadStatus = useTessera((state) => state.loadStatus);
  const loadInstalled = useTessera((state) => state.loadInstalled);
  const now = useNow();

  // The installed licenses, for choosing the active one when there are several.
  useEffect(() => {
    void loadInstalled();
  }, [loadInstalled]);

  return (
    <>
      <h1 tabIndex={-1}>License status</h1>
      {view.kind === 'loading' ? <p className="muted">Checking this machine's license…</p> : null}
      {view.kind === 'failed' ? (
        <FailureAlert code={view.code} message={view.message}>
          <button type="button" className="button" onClick={() => void loadStatus()}>
            Try again
          </button>
        </FailureAlert>
      ) : null}
      {view.kind === 'loaded' ? (
        <>
          <StatusCard report={view.report} now={now} />
          <StatusWarnings warnings={view.report.warnings} />
          <Details report={view.report} now={now} />
          {view.report.license === null ? null : <LicenseActions report={view.report} />}
          {installed.kind === 'loaded' ? <LicenseChooser licenses={installed.licenses} /> : null}
        </>
      ) : null}
    </>
  );
}
