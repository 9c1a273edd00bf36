/**
 * The seats table, windowed: with 10,000 seats the DOM holds only the visible rows plus an
 * overscan, between two spacer rows, inside a scrolling container with a fixed row height.
 * Fingerprints are shortened, in full on hover (and in exports); "last seen" is the core's.
 */
import { memo, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Seat } from '../contract.js';
import { useWindowedRows } from '../components/use-window.js';
import { shortFingerprint } from '../format/fingerprint.js';
import { formatDateTime } from '../format/time.js';
import { filterSeats, seatLabel, sortSeats, type SeatSort, type SeatSortKey } from './seat-order.js';
import { TableSpacer } from '../components/table-spacer.js';

/** Must match `.seats-table tbody tr` in the stylesheet. */
export const SEAT_ROW_HEIGHT = 40;
const COLUMNS = 10;

type Column = { readonly label: string; readonly sort?: SeatSortKey; readonly className?: string };

const COLUMN_HEADS: readonly Column[] = [
  { label: 'Name', sort: 'name' },
  { label: 'Hostname', className: 'col-host' },
  { label: 'Platform', sort: 'platform', className: 'col-platform' },
  { label: 'Fingerprint', className: 'col-fingerprint' },
  { label: 'Activated', sort: 'created', className: 'col-date' },
  { label: 'Last heartbeat', sort: 'lastHeartbeat', className: 'col-date' },
  { label: 'Last check-out', className: 'col-date' },
  { label: 'Last validated', className: 'col-date' },
  { label: 'Last seen', sort: 'lastSeen', className: 'col-date' },
];

interface SeatRowProps {
  readonly seat: Seat;
  readonly index: number;
  readonly selected: boolean;
  readonly onSelect: (ids: readonly string[], selected: boolean) => void;
}

const SeatRow = memo(function SeatRow({ seat, index, selected, onSelect }: SeatRowProps): React.JSX.Element {
  return (
    <tr aria-rowindex={index + 2} className={selected ? 'selected' : undefined}>
      <td className="select-cell">
        <input type="checkbox" aria-label={`Select ${seat.name ?? seat.id}`} checked={selected} onChange={(event) => onSelect([seat.id], event.target.checked)} />
      </td>
      <td title={seatLabel(seat)}>
        {seatLabel(seat)}
        {seat.current ? <span className="tag"> (this machine)</span> : null}
      </td>
      <td title={seat.hostname ?? undefined}>{seat.hostname ?? '—'}</td>
      <td>{seat.platform ?? '—'}</td>
      <td title={seat.fingerprint}>
        <code>{shortFingerprint(seat.fingerprint)}</code>
      </td>
      <td>{formatDateTime(seat.created)}</td>
      <td>{formatDateTime(seat.lastHeartbeat, 'Never')}</td>
      <td>{formatDateTime(seat.lastCheckOut, 'Never')}</td>
      <td>{formatDateTime(seat.lastValidated, 'Not recorded')}</td>
      <td>{formatDateTime(seat.lastSeen)}</td>
    </tr>
  );
});

function SelectAll({ shown, selection, onSelect }: { readonly shown: readonly Seat[]; readonly selection: ReadonlySet<string>; readonly onSelect: SeatRowProps['onSelect'] }): React.JSX.Element {
  const ref = useRef<HTMLInputElement>(null);
  const selectedCount = useMemo(() => shown.reduce((count, seat) => count + (selection.has(seat.id) ? 1 : 0), 0), [shown, selection]);
  const all = shown.length > 0 && selectedCount === shown.length;
  useEffect(() => {
    if (ref.current !== null) ref.current.indeterminate = selectedCount > 0 && !all;
  }, [selectedCount, all]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all shown"
      checked={all}
      disabled={shown.length === 0}
      onChange={(event) =>
        onSelect(
          shown.map((seat) => seat.id),
          event.target.checked,
        )
      }
    />
  );
}

export interface SeatsTableProps {
  readonly seats: readonly Seat[];
  readonly selection: ReadonlySet<string>;
  readonly onSelect: SeatRowProps['onSelect'];
  /** Shown above the table, right of the filters (bulk and export buttons); given the seats shown. */
  readonly toolbar?: (shown: readonly Seat[], unseenDays: number | null) => React.ReactNode;
}

export function SeatsTable({ seats, selection, onSelect, toolbar }: SeatsTableProps): React.JSX.Element {
  const [filter, setFilter] = useState('');
  const [unseen, setUnseen] = useState('');
  const [sort, setSort] = useState<SeatSort>({ key: 'created', direction: 'ascending' });
  const query = useDeferredValue(filter);
  const unseenDays = /^\d{1,5}$/.test(unseen.trim()) ? Number(unseen.trim()) : null;
  const sorted = useMemo(() => sortSeats(seats, sort), [seats, sort]);
  const shown = useMemo(() => filterSeats(sorted, query, unseenDays), [sorted, query, unseenDays]);
  const { scrollRef, bodyRef, range, measure, toTop } = useWindowedRows(shown.length, SEAT_ROW_HEIGHT);

  // A new filter or order starts at the top.
  useLayoutEffect(() => toTop(), [query, unseenDays, sort, toTop]);

  const toggleSort = (key: SeatSortKey): void =>
    setSort((current) => ({ key, direction: current.key === key && current.direction === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="seat-filter">Filter seats</label>
          <input id="seat-filter" type="search" value={filter} placeholder="Name, hostname, platform or fingerprint" onChange={(event) => setFilter(event.target.value)} />
        </div>
        <div className="field inline narrow-field">
          <label htmlFor="seat-unseen">Unseen for at least (days)</label>
          <input id="seat-unseen" type="number" inputMode="numeric" min={0} max={36500} value={unseen} placeholder="Any" onChange={(event) => setUnseen(event.target.value)} />
        </div>
        <p className="muted count" aria-live="polite">
          {shown.length === seats.length ? seatsText(seats.length) : `Showing ${shown.length.toLocaleString('en')} of ${seatsText(seats.length)}`}
        </p>
        {toolbar?.(shown, unseenDays)}
      </div>
      <div className="table-scroll" ref={scrollRef} onScroll={measure} tabIndex={0} role="region" aria-label="Seats, scrollable">
        <table className="table seats-table" aria-rowcount={shown.length + 1}>
          <caption className="table-title">Seats of this license</caption>
          <colgroup>
            <col className="col-select" />
            {COLUMN_HEADS.map((column) => (
              <col key={column.label} className={column.className} />
            ))}
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="select-cell">
                <SelectAll shown={shown} selection={selection} onSelect={onSelect} />
              </th>
              {COLUMN_HEADS.map((column) =>
                column.sort === undefined ? (
                  <th key={column.label} scope="col">
                    {column.label}
                  </th>
                ) : (
                  <th key={column.label} scope="col" aria-sort={sort.key === column.sort ? sort.direction : undefined}>
                    <button type="button" className="sort-button" onClick={() => toggleSort(column.sort as SeatSortKey)}>
                      {column.label}
                      <span className="sort-mark" aria-hidden="true">
                        {sort.key !== column.sort ? '↕' : sort.direction === 'ascending' ? '↑' : '↓'}
                      </span>
                    </button>
                  </th>
                ),
              )}
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS} className="muted">
                  {seats.length === 0 ? 'This license has no seats in use.' : 'No seat matches the filters.'}
                </td>
              </tr>
            ) : null}
            <TableSpacer height={range.before} columns={COLUMNS} />
            {shown.slice(range.start, range.end).map((seat, offset) => (
              <SeatRow key={seat.id} seat={seat} index={range.start + offset} selected={selection.has(seat.id)} onSelect={onSelect} />
            ))}
            <TableSpacer height={range.after} columns={COLUMNS} />
          </tbody>
        </table>
      </div>
    </>
  );
}

function seatsText(count: number): string {
  return `${count.toLocaleString('en')} ${count === 1 ? 'seat' : 'seats'}`;
}
