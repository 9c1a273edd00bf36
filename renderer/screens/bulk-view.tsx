/**
 * A bulk deactivation as it runs — seats done of all, rate, time left, a wait for the server's
 * rate limit, and Cancel — then what it did: deactivated, already gone, failed (each with its
 * reason), and not attempted when it was cancelled or stopped.
 */
import { durationText, MESSAGES, uiActionFor, type BulkProgress } from '../contract.js';
import { FailureAlert } from '../components/failure-alert.js';
import { seatCount } from '../store/seats.slice.js';
import { useTessera } from '../store/use-tessera.js';

/** Failures named one by one; a larger run lists the first ones. */
const MAX_LISTED = 50;

function Running({ progress }: { readonly progress: BulkProgress }): React.JSX.Element {
  const cancelBulk = useTessera((state) => state.cancelBulk);
  const done = progress.deactivated + progress.alreadyGone + progress.failed;
  const percent = progress.total === 0 ? 0 : Math.round((done / progress.total) * 100);
  const cancelling = progress.state === 'cancelling';
  return (
    <div className="card progress-card">
      <p>
        {cancelling ? 'Cancelling after the requests in flight… ' : 'Deactivating seats… '}
        {done.toLocaleString('en')} of {progress.total.toLocaleString('en')}
        {progress.perSecond === null ? '' : ` · ${progress.perSecond.toLocaleString('en')} per second`}
        {progress.secondsLeft === null || cancelling ? '' : ` · about ${durationText(progress.secondsLeft)} left`}
      </p>
      {progress.waitingSeconds === null ? null : <p className="muted">Waiting {durationText(progress.waitingSeconds)} for the server's rate limit.</p>}
      <div
        role="progressbar"
        aria-label="Deactivating seats"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${progress.total}`}
        className="progress"
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="actions">
        <button type="button" className="button" disabled={cancelling} onClick={() => void cancelBulk()}>
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
    </div>
  );
}

export function BulkView({ names }: { readonly names: ReadonlyMap<string, string> }): React.JSX.Element | null {
  const bulk = useTessera((state) => state.bulk);
  if (bulk.kind === 'idle') return null;
  if (bulk.kind === 'failed') return <FailureAlert code={bulk.code} message={bulk.message} />;
  if (bulk.kind === 'working') return <Running progress={bulk.progress} />;
  const { outcome } = bulk;
  const summary = [
    `Deactivated ${seatCount(outcome.deactivated.length)}`,
    outcome.alreadyGone.length === 0 ? null : `${seatCount(outcome.alreadyGone.length)} already gone`,
    outcome.failed.length === 0 ? null : `${seatCount(outcome.failed.length)} failed`,
  ].filter((part) => part !== null);
  return (
    <div className="card" role="status" aria-label="Bulk deactivation">
      <p className="success">{summary.join('; ')}.</p>
      {outcome.notAttempted.length === 0 ? null : (
        <p className="warning">
          {outcome.stopped === 'cancelled' ? 'Cancelled' : "Stopped: the server's rate limit did not let up"}: {seatCount(outcome.notAttempted.length)} not attempted. Select them again to finish.
        </p>
      )}
      {outcome.failed.length === 0 ? null : (
        <div role="alert" className="alert">
          <h2 className="alert-title">{seatCount(outcome.failed.length)} could not be deactivated</h2>
          <ul className="failures">
            {outcome.failed.slice(0, MAX_LISTED).map((failure) => (
              <li key={failure.id}>
                <strong>{names.get(failure.id) ?? failure.id}</strong>: {MESSAGES[failure.code].title}. {uiActionFor(failure.code)} <code>{failure.code}</code>
                {failure.message !== MESSAGES[failure.code].message ? <span className="alert-detail"> ({failure.message})</span> : null}
              </li>
            ))}
          </ul>
          {outcome.failed.length > MAX_LISTED ? <p>… and {(outcome.failed.length - MAX_LISTED).toLocaleString('en')} more (the audit log and the seat list show them all).</p> : null}
        </div>
      )}
    </div>
  );
}
