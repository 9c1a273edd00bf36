/**
 * The seats table, windowed: with 10,000 seats the DOM holds only the visible rows plus an
 * overscan, between two spacer rows, inside a scrolling container with a fixed row height.
 */
import { memo, useCallback, useDeferredValue, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { Seat } from '../contract.js';
import { formatDateTime } from '../format/time.js';
import { visibleRange } from '../format/windowing.js';
import { filterSeats, seatLabel, sortSeats, type SeatSort, type SeatSortKey } from './seat-order.js';

/** Must match `.seats-table tbody tr` in the stylesheet. */
export const SEAT_ROW_HEIGHT = 40;
const OVERSCAN = 10;
const COLUMNS = 5;

const SORTABLE: readonly { readonly key: SeatSortKey; readonly label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'platform', label: 'Platform' },
  { key: 'lastHeartbeat', label: 'Last heartbeat' },
  { key: 'created', label: 'Activated' },
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
      <td>{seat.platform ?? '—'}</td>
      <td>{formatDateTime(seat.lastHeartbeat, 'Never')}</td>
      <td>{formatDateTime(seat.created)}</td>
    </tr>
  );
});

function Spacer({ height }: { readonly height: number }): React.JSX.Element | null {
  if (height <= 0) return null;
  return (
    <tr aria-hidden="true" className="spacer">
      <td colSpan={COLUMNS} style={{ height }} />
    </tr>
  );
}

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
  /** Shown above the table, right of the filter (the bulk button). */
  readonly toolbar?: React.ReactNode;
}

export function SeatsTable({ seats, selection, onSelect, toolbar }: SeatsTableProps): React.JSX.Element {
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<SeatSort>({ key: 'created', direction: 'ascending' });
  const query = useDeferredValue(filter);
  const sorted = useMemo(() => sortSeats(seats, sort), [seats, sort]);
  const shown = useMemo(() => filterSeats(sorted, query), [sorted, query]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 480 });
  const measure = useCallback(() => {
    const container = scrollRef.current;
    const body = bodyRef.current;
    if (container === null) return;
    // Where the first row starts inside the scrolled content (below the caption and header).
    const offset = body === null ? 0 : body.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
    const top = Math.max(0, container.scrollTop - offset);
    const height = container.clientHeight;
    setViewport((previous) => (previous.top === top && previous.height === height ? previous : { top, height }));
  }, []);

  useLayoutEffect(() => {
    measure();
    const container = scrollRef.current;
    if (container === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(container);
    return () => observer.disconnect();
  }, [measure]);

  // A new filter or order starts at the top.
  useLayoutEffect(() => {
    if (scrollRef.current !== null) scrollRef.current.scrollTop = 0;
    measure();
  }, [query, sort, measure]);

  const range = visibleRange({ scrollTop: viewport.top, viewportHeight: viewport.height, rowHeight: SEAT_ROW_HEIGHT, overscan: OVERSCAN, count: shown.length });
  const toggleSort = (key: SeatSortKey): void =>
    setSort((current) => ({ key, direction: current.key === key && current.direction === 'ascending' ? 'descending' : 'ascending' }));

  return (
    <>
      <div className="toolbar">
        <div className="field inline">
          <label htmlFor="seat-filter">Filter seats</label>
          <input id="seat-filter" type="search" value={filter} placeholder="Name, hostname, platform or fingerprint" onChange={(event) => setFilter(event.target.value)} />
        </div>
        <p className="muted count">{shown.length === seats.length ? `${seats.length} ${seats.length === 1 ? 'seat' : 'seats'}` : `Showing ${shown.length} of ${seats.length} seats`}</p>
        {toolbar}
      </div>
      <div className="table-scroll" ref={scrollRef} onScroll={measure}>
        <table className="table seats-table" aria-rowcount={shown.length + 1}>
          <caption className="table-title">Seats of this license</caption>
          <colgroup>
            <col className="col-select" />
            <col />
            <col className="col-platform" />
            <col className="col-date" />
            <col className="col-date" />
          </colgroup>
          <thead>
            <tr aria-rowindex={1}>
              <th scope="col" className="select-cell">
                <SelectAll shown={shown} selection={selection} onSelect={onSelect} />
              </th>
              {SORTABLE.map((column) => (
                <th key={column.key} scope="col" aria-sort={sort.key === column.key ? sort.direction : undefined}>
                  <button type="button" className="sort-button" onClick={() => toggleSort(column.key)}>
                    {column.label}
                    <span className="sort-mark" aria-hidden="true">
                      {sort.key !== column.key ? '↕' : sort.direction === 'ascending' ? '↑' : '↓'}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={bodyRef}>
            {shown.length === 0 ? (
              <tr>
                <td colSpan={COLUMNS} className="muted">
                  {seats.length === 0 ? 'This license has no seats in use.' : 'No seat matches the filter.'}
                </td>
              </tr>
            ) : null}
            <Spacer height={range.before} />
            {shown.slice(range.start, range.end).map((seat, offset) => (
              <SeatRow key={seat.id} seat={seat} index={range.start + offset} selected={selection.has(seat.id)} onSelect={onSelect} />
            ))}
            <Spacer height={range.after} />
          </tbody>
        </table>
      </div>
    </>
  );
}
