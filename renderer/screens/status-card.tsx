/**
 * The verdict card at the top of the Status screen: the core's one-sentence summary as its
 * headline, what the verdict rests on and its deadlines in words, and for a refusal the next
 * step in the app's terms and the code.
 */
import { useId } from 'react';
import { MESSAGES, uiActionFor, type StatusReport } from '../contract.js';
import { DateWithCountdown } from '../components/date-with-countdown.js';

type Basis = NonNullable<StatusReport['basis']>;

const RESTS_ON: Readonly<Record<Basis['kind'], string>> = {
  'machine-file': 'A machine file signed for this machine',
  'license-file': 'A license file signed by your vendor',
};

/** What the verdict rests on, until when it holds offline, and when the license must check in. */
function BasisFacts({ basis, source, now }: { readonly basis: Basis; readonly source: StatusReport['source']; readonly now: number }): React.JSX.Element {
  return (
    <dl className="facts verdict-facts" aria-label="What the verdict rests on">
      <dt>Rests on</dt>
      <dd>
        {RESTS_ON[basis.kind]}
        {source === 'online' ? ', confirmed by the licensing server just now' : ', checked on this machine'}
      </dd>
      <dt>Valid offline until</dt>
      <dd>
        <DateWithCountdown value={basis.until} none="No end date" now={now} />
      </dd>
      <dt>Check in by</dt>
      <dd>
        <DateWithCountdown value={basis.checkInBy} none="No check-in required" now={now} />
      </dd>
    </dl>
  );
}

export function StatusCard({ report, now }: { readonly report: StatusReport; readonly now: number }): React.JSX.Element {
  const refusal = report.licensed || report.code === 'VALID' ? null : report.code;
  const text = refusal === null ? null : MESSAGES[refusal];
  const titleId = useId();
  return (
    <section className={report.licensed ? 'card summary ok' : 'card summary bad'} aria-labelledby={titleId}>
      <h2 id={titleId}>{report.licensed ? 'This machine is licensed' : (text?.title ?? 'Not licensed')}</h2>
      <p className="verdict">{report.summary}</p>
      {text !== null && text.message !== report.summary ? <p>{text.message}</p> : null}
      {report.basis === null ? null : <BasisFacts basis={report.basis} source={report.source} now={now} />}
      {refusal === null ? null : (
        <>
          <p>Next step: {uiActionFor(refusal)}</p>
          <p className="alert-code">
            Code: <code>{refusal}</code>
          </p>
        </>
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
