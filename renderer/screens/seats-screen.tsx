/** `#/seats`: every seat of the license (or of another one, with an administrator token), and bulk deactivation. */
import { useEffect, useMemo, useState } from 'react';
import { MESSAGES, type Seat } from '../contract.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FailureAlert } from '../components/failure-alert.js';
import { seatCount } from '../store/seats.slice.js';
import { useTessera } from '../store/use-tessera.js';
import { seatLabel } from './seat-order.js';
import { SeatsTable } from './seats-table.js';

function AdminAccess(): React.JSX.Element {
  const access = useTessera((state) => state.seatAccess);
  const loadSeats = useTessera((state) => state.loadSeats);
  const [token, setToken] = useState('');
  const [licenseId, setLicenseId] = useState('');
  return (
    <details className="card disclosure">
      <summary>Use an administrator token</summary>
      <p className="hint">To see the seats of another license, or when this machine is not activated. The token stays in this window's memory only.</p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          const adminToken = token.trim();
          const id = licenseId.trim();
          if (adminToken === '' || id === '') return;
          setToken('');
          void loadSeats({ kind: 'admin', adminToken, licenseId: id });
        }}
      >
        <div className="field-row">
          <div className="field">
            <label htmlFor="admin-token">Administrator token</label>
            <input id="admin-token" type="password" autoComplete="off" spellCheck={false} required value={token} onChange={(event) => setToken(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="admin-license-id">License ID</label>
            <input id="admin-license-id" type="text" autoComplete="off" spellCheck={false} required value={licenseId} onChange={(event) => setLicenseId(event.target.value)} />
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="button primary">
            Load seats
          </button>
          {access.kind === 'admin' ? (
            <button type="button" className="button" onClick={() => void loadSeats({ kind: 'active-license' })}>
              Use this machine's license
            </button>
          ) : null}
        </div>
      </form>
    </details>
  );
}

function BulkOutcomeView({ seats }: { readonly seats: readonly Seat[] }): React.JSX.Element | null {
  const bulk = useTessera((state) => state.bulk);
  if (bulk.kind === 'idle') return null;
  if (bulk.kind === 'working') {
    const percent = bulk.total === 0 ? 0 : Math.round((bulk.done / bulk.total) * 100);
    return (
      <div className="card progress-card">
        <p>
          Deactivating seats… {bulk.done} of {bulk.total}
        </p>
        <div role="progressbar" aria-label="Deactivating seats" aria-valuemin={0} aria-valuemax={bulk.total} aria-valuenow={bulk.done} aria-valuetext={`${bulk.done} of ${bulk.total}`} className="progress">
          <div className="progress-fill" style={{ width: `${percent}%` }} />
        </div>
      </div>
    );
  }
  const names = new Map(seats.map((seat) => [seat.id, seatLabel(seat)]));
  return (
    <div className="card">
      <p className="success">Deactivated {seatCount(bulk.deactivated.length)}.</p>
      {bulk.failed.length === 0 ? null : (
        <div role="alert" className="alert">
          <h2 className="alert-title">{seatCount(bulk.failed.length)} could not be deactivated</h2>
          <ul className="failures">
            {bulk.failed.map((failure) => (
              <li key={failure.id}>
                <strong>{names.get(failure.id) ?? failure.id}</strong>: {MESSAGES[failure.code].title}. {MESSAGES[failure.code].action} <code>{failure.code}</code>
                {failure.message !== MESSAGES[failure.code].message ? <span className="alert-detail"> ({failure.message})</span> : null}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

export function SeatsScreen(): React.JSX.Element {
  const view = useTessera((state) => state.seats);
  const access = useTessera((state) => state.seatAccess);
  const selection = useTessera((state) => state.seatSelection);
  const bulk = useTessera((state) => state.bulk);
  const loadSeats = useTessera((state) => state.loadSeats);
  const selectSeats = useTessera((state) => state.selectSeats);
  const deactivateSeats = useTessera((state) => state.deactivateSeats);
  const [confirming, setConfirming] = useState(false);

  // Fresh on every visit; the list already shown stays on screen while it reloads.
  useEffect(() => {
    void loadSeats();
  }, [loadSeats]);

  const seats = view.kind === 'loaded' ? view.seats : view.kind === 'loading' ? view.previous : null;
  const selectedIds = useMemo(() => (seats ?? []).filter((seat) => selection.has(seat.id)).map((seat) => seat.id), [seats, selection]);
  const includesThisMachine = useMemo(() => (seats ?? []).some((seat) => seat.current && selection.has(seat.id)), [seats, selection]);
  const working = bulk.kind === 'working';

  return (
    <>
      <h1 tabIndex={-1}>Seats</h1>
      <p className="lede">
        {access.kind === 'admin' ? (
          <>
            Seats of license <code>{access.licenseId}</code>, with an administrator token.
          </>
        ) : (
          'Machines activated on the license of this machine.'
        )}
      </p>
      <AdminAccess />
      {view.kind === 'loading' ? <p className="muted">Loading seats… {view.loaded}</p> : null}
      {view.kind === 'failed' ? (
        <FailureAlert code={view.code} message={view.message}>
          <button type="button" className="button" onClick={() => void loadSeats()}>
            Try again
          </button>
        </FailureAlert>
      ) : null}
      <BulkOutcomeView seats={seats ?? []} />
      {seats === null ? null : (
        <section className="card">
          <SeatsTable
            seats={seats}
            selection={selection}
            onSelect={selectSeats}
            toolbar={
              <div className="actions end">
                <button type="button" className="button" disabled={view.kind === 'loading' || working} onClick={() => void loadSeats()}>
                  Reload
                </button>
                <button type="button" className="button danger" disabled={selectedIds.length === 0 || working} onClick={() => setConfirming(true)}>
                  Deactivate selected ({selectedIds.length})
                </button>
              </div>
            }
          />
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
        <p>Their seats are freed on the licensing server; those machines stop being licensed.</p>
        {includesThisMachine ? <p className="warning">This includes this machine.</p> : null}
      </ConfirmDialog>
    </>
  );
}
