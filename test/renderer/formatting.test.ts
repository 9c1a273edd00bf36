/** Pure helpers of the renderer: seat windowing, countdowns, fingerprints, seat order, routes, the status line. */
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/contract/messages.js';
import { shortFingerprint } from '../../renderer/format/fingerprint.js';
import { countdown } from '../../renderer/format/time.js';
import { visibleRange } from '../../renderer/format/windowing.js';
import { hashOf, routeFromHash } from '../../renderer/store/routes.js';
import { filterSeats, sortSeats } from '../../renderer/screens/seat-order.js';
import { licensedReport, notActivatedReport, seat } from './fixtures.js';

describe('visibleRange', () => {
  const base = { rowHeight: 40, overscan: 5, count: 10_000 };

  it('renders the visible rows plus the overscan below at the top', () => {
    expect(visibleRange({ ...base, scrollTop: 0, viewportHeight: 400 })).toEqual({ start: 0, end: 15, before: 0, after: (10_000 - 15) * 40 });
  });

  it('renders overscan on both sides in the middle, spacers standing in for the rest', () => {
    const range = visibleRange({ ...base, scrollTop: 4000, viewportHeight: 400 });
    expect(range).toEqual({ start: 95, end: 115, before: 95 * 40, after: (10_000 - 115) * 40 });
    expect(range.before + (range.end - range.start) * 40 + range.after).toBe(10_000 * 40);
  });

  it('counts a partly visible row', () => {
    expect(visibleRange({ ...base, overscan: 0, scrollTop: 20, viewportHeight: 400 })).toMatchObject({ start: 0, end: 11 });
  });

  it('reaches the last row at the bottom, and clamps a scroll past the end', () => {
    const bottom = visibleRange({ ...base, scrollTop: 10_000 * 40 - 400, viewportHeight: 400 });
    expect(bottom).toMatchObject({ start: 9985, end: 10_000, after: 0 });
    expect(visibleRange({ ...base, scrollTop: 10_000_000, viewportHeight: 400 })).toEqual(bottom);
  });

  it('stays well under 200 rows for any position', () => {
    for (const scrollTop of [0, 1234, 200_000, 399_600]) {
      const range = visibleRange({ ...base, overscan: 10, scrollTop, viewportHeight: 800 });
      expect(range.end - range.start).toBeLessThan(200);
    }
  });

  it('handles few rows, no rows and a negative (rubber-band) scroll', () => {
    expect(visibleRange({ ...base, count: 3, scrollTop: 0, viewportHeight: 400 })).toEqual({ start: 0, end: 3, before: 0, after: 0 });
    expect(visibleRange({ ...base, count: 0, scrollTop: 0, viewportHeight: 400 })).toEqual({ start: 0, end: 0, before: 0, after: 0 });
    expect(visibleRange({ ...base, scrollTop: -50, viewportHeight: 400 })).toMatchObject({ start: 0, before: 0 });
  });

  it('refuses a row height that is not positive', () => {
    expect(() => visibleRange({ ...base, rowHeight: 0, scrollTop: 0, viewportHeight: 400 })).toThrow(RangeError);
  });
});

describe('countdown', () => {
  const now = Date.UTC(2026, 5, 1, 12, 0, 0);
  const minute = 60_000;

  it('counts whole days, hours and minutes ahead', () => {
    expect(countdown(now + 29 * 24 * 60 * minute + 5 * 60 * minute, now)).toBe('in 29 days');
    expect(countdown(now + 24 * 60 * minute, now)).toBe('in 1 day');
    // Rounded towards now: 29 days and 20 hours is still "in 29 days".
    expect(countdown(now + 29 * 24 * 60 * minute + 20 * 60 * minute, now)).toBe('in 29 days');
    expect(countdown(now + 3 * 60 * minute + 59 * minute, now)).toBe('in 3 hours');
    expect(countdown(now + 5 * minute + 30_000, now)).toBe('in 5 minutes');
    expect(countdown(now + 30_000, now)).toBe('in less than a minute');
  });

  it('counts the past too, and reads ISO dates', () => {
    expect(countdown(new Date(now - 2 * 24 * 60 * minute).toISOString(), now)).toBe('2 days ago');
    expect(countdown(now - 90 * minute, now)).toBe('1 hour ago');
    expect(countdown('not a date', now)).toBe('');
  });
});

describe('shortFingerprint', () => {
  it('keeps the first 8 and the last 4 characters', () => {
    expect(shortFingerprint('abcdef1234567890abcdef1234567890')).toBe('abcdef12…7890');
  });

  it('leaves short values as they are', () => {
    expect(shortFingerprint('abcdef127890')).toBe('abcdef127890');
    expect(shortFingerprint('')).toBe('');
  });
});

describe('seat order', () => {
  const seats = [seat(2, { name: 'beta' }), seat(10, { name: 'Alpha 10' }), seat(3, { name: null, hostname: 'gamma.local' }), seat(1, { name: 'Alpha 9', platform: null })];

  it('sorts by name (natural, case-insensitive) both ways', () => {
    expect(sortSeats(seats, { key: 'name', direction: 'ascending' }).map((item) => item.id)).toEqual(['seat-1', 'seat-10', 'seat-2', 'seat-3']);
    expect(sortSeats(seats, { key: 'name', direction: 'descending' }).map((item) => item.id)).toEqual(['seat-3', 'seat-2', 'seat-10', 'seat-1']);
  });

  it('sorts by activation date, and puts seats without a value last either way', () => {
    expect(sortSeats(seats, { key: 'created', direction: 'ascending' }).map((item) => item.id)).toEqual(['seat-1', 'seat-2', 'seat-3', 'seat-10']);
    expect(sortSeats(seats, { key: 'platform', direction: 'descending' }).at(-1)?.id).toBe('seat-1');
    expect(sortSeats(seats, { key: 'platform', direction: 'ascending' }).at(-1)?.id).toBe('seat-1');
  });

  it('filters on name, hostname, platform and fingerprint, ignoring case', () => {
    expect(filterSeats(seats, 'ALPHA').map((item) => item.id)).toEqual(['seat-10', 'seat-1']);
    expect(filterSeats(seats, 'gamma.LOCAL').map((item) => item.id)).toEqual(['seat-3']);
    expect(filterSeats(seats, 'win32').map((item) => item.id)).toEqual(['seat-3']);
    expect(filterSeats(seats, 'fp-0000000a').map((item) => item.id)).toEqual(['seat-10']);
    expect(filterSeats(seats, '  ')).toHaveLength(4);
  });
});

describe('routes', () => {
  it('reads the five hash routes, anything else is Status', () => {
    expect(['#/status', '#/activate', '#/offline', '#/seats', '#/settings'].map(routeFromHash)).toEqual(['status', 'activate', 'offline', 'seats', 'settings']);
    expect(routeFromHash('')).toBe('status');
    expect(routeFromHash('#/nope')).toBe('status');
    expect(hashOf('seats')).toBe('#/seats');
  });
});

describe('status line', async () => {
  // The component module imports React; its pure part is tested here without rendering.
  const { describeStatus } = await import('../../renderer/components/status-region.js');

  it('says Licensed, or Not licensed with the code title from MESSAGES', () => {
    expect(describeStatus({ kind: 'loading' })).toEqual({ state: 'loading', text: 'Checking license…' });
    expect(describeStatus({ kind: 'loaded', report: licensedReport() })).toEqual({ state: 'licensed', text: 'Licensed: Demo node-locked' });
    expect(describeStatus({ kind: 'loaded', report: notActivatedReport() })).toEqual({ state: 'not-licensed', text: `Not licensed: ${MESSAGES.NOT_ACTIVATED.title}` });
    expect(describeStatus({ kind: 'failed', code: 'AGENT_UNREACHABLE', message: 'x' }).text).toBe(`Not licensed: ${MESSAGES.AGENT_UNREACHABLE.title}`);
  });
});
