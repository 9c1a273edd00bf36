/** `#/status`: what the core decided about this machine's license, and the actions on it. */
import { useState } from 'react';
import { MESSAGES, type StatusReport } from '../contract.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useNow } from '../components/use-now.js';
import { shortFingerprint } from '../format/fingerprint.js';
import { countdown, formatDateTime } from '../format/time.js';
import type { LicenseAction } from '../store/license.slice.js';
import { useTessera } from '../store/use-tessera.js';

const ACTION_LABELS: Readonly<Record<LicenseAction, { readonly idle: string; readonly working: string }>> = {
  'check-in': { idle: 'Check in', working: 'Checking in…' },
  renew: { idle: 'Renew', working: 'Renewing…' },
  deactivate: { idle: 'Deactivate', working: 'Deactivating…' },
};

/** A date with its countdown ("12 Dec 2026, 14:00 (in 29 days)"), or `none` when there is no date. */
function DateWithCountdown({ value, none, now }: { readonly value: string | null; readonly none: string; readonly now: number }): React.JSX.Element {
  if (value === null) return <>{none}</>;
  const left = countdown(value, now);
  return (
    <>
      <time dateTime={value}>{formatDateTime(value)}</time>
      {left === '' ? null : <span className="muted"> ({left})</span>}
    </>
  );
}

function Summary({ report }: { readonly report: StatusReport }): React.JSX.Element {
  if (report.licensed) {
    return (
      <section className="card summary ok">
        <h2>This machine is licensed</h2>
        <p>{report.message}</p>
      </section>
    );
  }
  const text = report.code === 'VALID' ? null : MESSAGES[report.code];
  return (
    <section className="card summary bad">
      <h2>{text?.title ?? 'Not licensed'}</h2>
      <p>{text?.message ?? report.message}</p>
      {text === null ? null : <p>Next step: {text.action}</p>}
      {report.code === 'VALID' ? null : (
        <p className="alert-code">
          Code: <code>{report.code}</code>
        </p>
      )}
      {report.license === null ? (
        <p className="links">
          <a href="#/activate">Activate with a license key</a>
          <a href="#/offline">Import a license file</a>
        </p>
      ) : null}
    </section>
  );
}

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

function Actions(): React.JSX.Element {
  const status = useTessera((state) => state.licenseAction);
  const checkIn = useTessera((state) => state.checkIn);
  const renew = useTessera((state) => state.renew);
  const deactivate = useTessera((state) => state.deactivate);
  const [confirming, setConfirming] = useState(false);
  const working = status.kind === 'working' ? status.action : null;
  const label = (action: LicenseAction): string => (working === action ? ACTION_LABELS[action].working : ACTION_LABELS[action].idle);
  return (
    <>
      <div className="actions">
        <button type="button" className="button primary" disabled={working !== null} onClick={() => void checkIn()}>
          {label('check-in')}
        </button>
        <button type="button" className="button" disabled={working !== null} onClick={() => void renew()}>
          {label('renew')}
        </button>
        <button type="button" className="button danger-outline" disabled={working !== null} onClick={() => setConfirming(true)}>
          {label('deactivate')}
        </button>
      </div>
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
  const loadStatus = useTessera((state) => state.loadStatus);
  const now = useNow();
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
          <Summary report={view.report} />
          {view.report.warnings.map((warning) => (
            <p role="note" className="warning" key={`${warning.code}-${warning.at}`}>
              {warning.message}
            </p>
          ))}
          <Details report={view.report} now={now} />
          {view.report.license === null ? null : <Actions />}
        </>
      ) : null}
    </>
  );
}
