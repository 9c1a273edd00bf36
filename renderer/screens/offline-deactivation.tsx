/**
 * Offline deactivation on the Offline screen: the license and its key leave this machine, and
 * the signed receipt is saved for a connected machine to free the seat ("Fulfil requests").
 */
import { useState } from 'react';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useTessera } from '../store/use-tessera.js';

export function OfflineDeactivationCard(): React.JSX.Element | null {
  const status = useTessera((state) => state.offlineDeactivation);
  const report = useTessera((state) => state.license);
  const deactivateOffline = useTessera((state) => state.deactivateOffline);
  const saveFile = useTessera((state) => state.saveFile);
  const [confirming, setConfirming] = useState(false);
  const license = report.kind === 'loaded' ? report.report.license : null;
  const machineLicense = license !== null && license.machine !== null;
  if (!machineLicense && status.kind === 'idle') return null;
  return (
    <section className="card" aria-labelledby="offline-deactivation-title">
      <h2 id="offline-deactivation-title">Deactivate without a network</h2>
      <p>Removes this machine's license and its key now, and saves a receipt signed by this machine. Fulfil the receipt on a connected machine to free the seat.</p>
      {machineLicense ? (
        <button type="button" className="button danger-outline" disabled={status.kind === 'working'} onClick={() => setConfirming(true)}>
          {status.kind === 'working' ? 'Deactivating…' : 'Deactivate offline'}
        </button>
      ) : null}
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} level={3} /> : null}
      {status.kind === 'done' ? (
        <p className="success">
          License {status.result.licenseId} removed. Receipt <strong>{status.result.receipt.name}</strong>:{' '}
          <button type="button" className="button small" onClick={() => void saveFile(status.result.receipt)}>
            Save the receipt again
          </button>
        </p>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title="Deactivate this machine offline?"
        confirmLabel="Yes, deactivate offline"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void deactivateOffline();
        }}
      >
        <p>The license and its key are removed from this machine now. Its seat stays taken until the receipt is fulfilled on a connected machine.</p>
      </ConfirmDialog>
    </section>
  );
}
