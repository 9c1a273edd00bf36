/**
 * Row windowing for long tables: which rows to render for a scroll position, so that the DOM
 * holds the visible rows plus an overscan, with spacers standing in for the rest.
 */

export interface WindowInput {
  /** Pixels scrolled past the first row. */
  readonly scrollTop: number;
  /** Height of the visible part of the list, in pixels. */
  readonly viewportHeight: number;
  /** Every row's fixed height, in pixels (> 0). */
  readonly rowHeight: number;
  /** Extra rows rendered above and below the visible ones. */
  readonly overscan: number;
  readonly count: number;
}

export interface WindowRange {
  /** First row rendered (inclusive). */
  readonly start: number;
  /** Row after the last one rendered (exclusive). */
  readonly end: number;
  /** Height of the spacer above the rendered rows. */
  readonly before: number;
  /** Height of the spacer below the rendered rows. */
  readonly after: number;
}

/** The rows to render. Throws RangeError when `rowHeight` is not positive (a bug, not an input). */
export function visibleRange(input: WindowInput): WindowRange {
  const { rowHeight, count } = input;
  if (!(rowHeight > 0)) throw new RangeError('rowHeight must be positive');
  const overscan = Math.max(0, Math.floor(input.overscan));
  const total = Math.max(0, count) * rowHeight;
  const viewport = Math.max(0, input.viewportHeight);
  // Clamp: browsers report negative scrollTop while rubber-banding, and larger ones after rows are removed.
  const top = Math.min(Math.max(0, input.scrollTop), Math.max(0, total - viewport));
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + viewport) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(Math.max(0, count), last + overscan);
  return { start, end: Math.max(start, end), before: start * rowHeight, after: Math.max(0, count - Math.max(start, end)) * rowHeight };
}
