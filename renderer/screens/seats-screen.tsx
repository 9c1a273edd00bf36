/**
 * `#/seats`: every seat of a license — this machine's, one opened from the Licenses screen by an
 * administrator, or one whose key its owner types (to free a seat without being activated) —
 * with its capacity, filters (text, unseen for N days), export, and bulk deactivation with
 * progress and Cancel.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import { capacityText, type Seat, type SeatAccess } from '../contract.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FailureAlert } from '../components/failure-alert.js';
import { seatCount } from '../store/seats.slice.js';
import { useTessera } from '../store/use-tessera.js';
import { BulkView } from './bulk-view.js';
import { seatLabel } from './seat-order.js';
import { SeatsTable } from './seats-table.js';

/** An end user's own license key: shows and frees that license's seats without this machine being activated. */
function LicenseKeyAccess({ open }: { readonly open: boolean }): React.JSX.Element {
  const loadSeats = useTessera((state) => state.loadSeats);
  const [key, setKey] = useState('');
  const id = useId();
  return (
    <details className="card disclosure" open={open}>
      <summary>Use a license key</summary>
      <p className="hint">To see and free the seats of your license when this machine is not activated (for example when the license is full). The key stays in this window's memory only.</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          const licenseKey = key.trim();
          if (licenseKey === '') return;
          setKey('');
          void loadSeats({ kind: 'license-key', licenseKey });
        }}
      >
        <div className="field">
          <label htmlFor={id}>License key</label>
          <input id={id} type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(event) => setKey(event.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="button primary">
            Show seats
          </button>
        </div>
      </form>
    </details>
  );
}

function whose(access: SeatAccess): React.ReactNode {
  switch (access.kind) {
    case 'active-license':
      return "Machines activated on this machine's license.";
    case 'license-key':
      return 'Machines activated on the license of the key you entered.';
    case 'admin':
    case 'admin-session':
      return (
        <>
          Seats of license <code>{access.licenseId}</code>, as administrator.
        </>
      );
  }
}

function Toolbar({ shown, unseenDays, onDeactivate }: { readonly shown: readonly Seat[]; readonly unseenDays: number | null; readonly onDeactivate: () => void }): React.JSX.Element {
  const view = useTessera((state) => state.seats);
  const selection = useTessera((state) => state.seatSelection);
  const bulk = useTessera((state) => state.bulk);
  const exporting = useTessera((state) => state.exportStatus.kind === 'working');
  const loadSeats = useTessera((state) => state.loadSeats);
  const exportSeats = useTessera((state) => state.exportSeats);
  const selectSeats = useTessera((state) => state.selectSeats);
  const working = bulk.kind === 'working';
  const suffix = unseenDays === null ? '' : ' (unseen ones)';
  return (
    <div className="actions end">
      {unseenDays === null ? null : (
        <button type="button" className="button" disabled={shown.length === 0 || working} onClick={() => selectSeats(shown.map((seat) => seat.id), true)}>
          Select all unseen ({shown.length.toLocaleString('en')})
        </button>
      )}
      <button type="button" className="button" disabled={exporting} onClick={() => void exportSeats('csv', unseenDays ?? undefined)}>
        Export CSV{suffix}
      </button>
      <button type="button" className="button" disabled={exporting} onClick={() => void exportSeats('json', unseenDays ?? undefined)}>
        Export JSON{suffix}
      </button>
      <button type="button" className="button" disabled={view.kind === 'loading' || working} onClick={() => void loadSeats()}>
        Reload
      </button>
      <button type="button" className="button danger" disabled={selection.size === 0 || working} onClick={onDeactivate}>
        Deactivate selected ({selection.size.toLocaleString('en')})
      </button>
    </div>
  );
}

export function SeatsScreen(): React.JSX.Element {
  const view = useTessera((state) => state.seats);
  const access = useTessera((state) => state.seatAccess);
  const capacity = useTessera((state) => state.capacity);
  const selection = useTessera((state) => state.seatSelection);
  const exportStatus = useTessera((state) => state.exportStatus);
  const loadSeats = useTessera((state) => state.loadSeats);
  const selectSeats = useTessera((state) => state.selectSeats);
  const deactivateSeats = useTessera((state) => state.deactivateSeats);
  const [confirming, setConfirming] = useState(false);

  // Fresh on every visit; the list already shown stays on screen while it reloads.
  useEffect(() => {
    void loadSeats();
  }, [loadSeats]);

  const seats = view.kind === 'loaded' ? view.seats : view.kind === 'loading' ? (view.partial.length > 0 ? view.partial : view.previous) : null;
  const selectedIds = useMemo(() => (seats ?? []).filter((seat) => selection.has(seat.id)).map((seat) => seat.id), [seats, selection]);
  const includesThisMachine = useMemo(() => (seats ?? []).some((seat) => seat.current && selection.has(seat.id)), [seats, selection]);
  const notActivated = view.kind === 'failed' && access.kind === 'active-license' && (view.code === 'NOT_ACTIVATED' || view.code === 'ADMIN_CREDENTIALS_REQUIRED');
  const names = useMemo(() => new Map((seats ?? []).map((seat) => [seat.id, seatLabel(seat)])), [seats]);

  return (
    <>
      <h1 tabIndex={-1}>Seats</h1>
      <p className="lede">{whose(access)}</p>
      {capacity === null ? null : (
        <p className="capacity">
          <strong>{capacityText(capacity.used, capacity.max)}</strong> seats in use{capacity.name === null ? '' : ` on ${capacity.name}`}.
        </p>
      )}
      <div className="actions">
        {access.kind === 'active-license' ? null : (
          <button type="button" className="button" onClick={() => void loadSeats({ kind: 'active-license' })}>
            Use this machine's license
          </button>
        )}
      </div>
      <LicenseKeyAccess open={notActivated} />
      {view.kind === 'loading' ? (
        <p className="muted">
          Loading seats… {view.loaded.toLocaleString('en')}
          {view.total === null ? '' : ` of ${view.total.toLocaleString('en')}`}
        </p>
      ) : null}
      {view.kind === 'failed' ? (
        notActivated ? (
          <p className="hint">This machine is not activated: enter the license key above to see its seats, or open a license from the Licenses screen as an administrator.</p>
        ) : (
          <FailureAlert code={view.code} message={view.message}>
            <button type="button" className="button" onClick={() => void loadSeats()}>
              Try again
            </button>
          </FailureAlert>
        )
      ) : null}
      {exportStatus.kind === 'failed' ? <FailureAlert code={exportStatus.code} message={exportStatus.message} /> : null}
      {exportStatus.kind === 'working' ? <p className="muted">Exporting every seat…</p> : null}
      <BulkView names={names} />
      {seats === null ? null : (
        <section className="card">
          <SeatsTable seats={seats} selection={selection} onSelect={selectSeats} toolbar={(shown, unseenDays) => <Toolbar shown={shown} unseenDays={unseenDays} onDeactivate={() => setConfirming(true)} />} />
        </section>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Deactivate ${seatCount(selectedIds.length)}?`}
        confirmLabel="Yes, deactivate"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void deactivateSeats(selectedIds);
        }}
      >
        <p>Their seats are freed on the licensing server; those machines stop being licensed. You can cancel while it runs.</p>
        {includesThisMachine ? <p className="warning">This includes this machine.</p> : null}
      </ConfirmDialog>
    </>
  );
}
