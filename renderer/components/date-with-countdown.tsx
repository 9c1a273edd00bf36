/** A date with its countdown ("12 Dec 2026, 14:00 (in 29 days)"), or `none` when there is no date. */
import { countdown, formatDateTime } from '../format/time.js';

export function DateWithCountdown({ value, none, now }: { readonly value: string | null; readonly none: string; readonly now: number }): React.JSX.Element {
  if (value === null) return <>{none}</>;
  const left = countdown(value, now);
  return (
    <>
      <time dateTime={value}>{formatDateTime(value)}</time>
      {left === '' ? null : <span className="muted"> ({left})</span>}
    </>
  );
}
