/**
 * Row windowing for a long table in a scrolling container: measures where the rows start and
 * how much is visible, and answers which rows to render (`format/windowing.ts`). With 10,000
 * rows the DOM holds only the visible ones plus an overscan.
 */
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { visibleRange, type WindowRange } from '../format/windowing.js';

export interface WindowedRows {
  /** The scrolling container. */
  readonly scrollRef: React.RefObject<HTMLDivElement | null>;
  /** The table body whose rows are windowed. */
  readonly bodyRef: React.RefObject<HTMLTableSectionElement | null>;
  readonly range: WindowRange;
  /** Call on scroll (and after anything that moves the rows). */
  readonly measure: () => void;
  /** Back to the first row. */
  readonly toTop: () => void;
}

export function useWindowedRows(count: number, rowHeight: number, overscan = 10): WindowedRows {
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

  const toTop = useCallback(() => {
    if (scrollRef.current !== null) scrollRef.current.scrollTop = 0;
    measure();
  }, [measure]);

  const range = visibleRange({ scrollTop: viewport.top, viewportHeight: viewport.height, rowHeight, overscan, count });
  return { scrollRef, bodyRef, range, measure, toTop };
}
