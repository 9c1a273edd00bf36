/**
 * Keygen's expiry arithmetic (`issued + ActiveSupport::Duration.build(ttl)`) against every real
 * certificate with a TTL in test/fixtures/keygen-vectors, plus calendar edge cases.
 */
import { describe, expect, it } from 'vitest';
import { addKeygenDuration, advanceByParts, splitDuration } from '../../issuer/domain/duration.js';
import { readVector } from '../support/vectors.js';

interface VectorMeta {
  issued: string;
  expiry: string | null;
  ttl: number | null;
}
const vectors = (JSON.parse(readVector('', 'certificates.json').toString('utf8')) as { vectors: { name: string; meta?: VectorMeta }[] }).vectors;
const withTtl = vectors.filter((vector): vector is { name: string; meta: VectorMeta & { ttl: number } } => typeof vector.meta?.ttl === 'number');
const at = (iso: string): number => Date.parse(iso);
const DAY = 86_400;

describe('addKeygenDuration reproduces every real Keygen expiry', () => {
  it('covers the 13 vectors that carry a TTL', () => {
    expect(withTtl).toHaveLength(13);
  });

  for (const { name, meta } of withTtl) {
    it(`${name}: ${meta.issued} + ${meta.ttl} s = ${meta.expiry}`, () => {
      expect(addKeygenDuration(new Date(meta.issued), meta.ttl).toISOString()).toBe(meta.expiry);
      expect(addKeygenDuration(at(meta.issued), meta.ttl).toISOString()).toBe(meta.expiry);
    });
  }

  it('is not issued + ttl: a 365-day TTL lands 19 h 20 min short of a year', () => {
    expect(addKeygenDuration(at('2024-04-10T14:57:45.517Z'), 31_536_000).toISOString()).toBe('2025-04-09T19:37:39.517Z');
  });
});

describe('splitDuration', () => {
  it('splits greedily into years, months, weeks, days, hours, minutes, seconds', () => {
    expect(splitDuration(31_536_000)).toEqual({ years: 0, months: 11, weeks: 4, days: 2, hours: 4, minutes: 39, seconds: 54 });
    expect(splitDuration(31_556_952)).toEqual({ years: 1, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(splitDuration(2_629_746)).toEqual({ years: 0, months: 1, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
    expect(splitDuration(2_592_000)).toEqual({ years: 0, months: 0, weeks: 4, days: 2, hours: 0, minutes: 0, seconds: 0 });
    expect(splitDuration(3_600)).toEqual({ years: 0, months: 0, weeks: 0, days: 0, hours: 1, minutes: 0, seconds: 0 });
    expect(splitDuration(0)).toEqual({ years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
  });

  it('gives every part the sign of a negative duration', () => {
    expect(splitDuration(-(2_629_746 + DAY + 61))).toEqual({ years: 0, months: -1, weeks: 0, days: -1, hours: 0, minutes: -1, seconds: -1 });
  });

  it('throws a RangeError for anything but whole seconds', () => {
    expect(() => splitDuration(1.5)).toThrow(RangeError);
    expect(() => splitDuration(Number.NaN)).toThrow(RangeError);
    expect(() => splitDuration(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('addKeygenDuration on the calendar', () => {
  it('adds 3600 s (the minimum TTL) as one hour', () => {
    expect(addKeygenDuration(at('2022-10-24T14:26:20.184Z'), 3_600).toISOString()).toBe('2022-10-24T15:26:20.184Z');
  });

  it('clamps the day of month: Jan 31 + 1 month is the last day of February', () => {
    expect(addKeygenDuration(at('2023-01-31T10:00:00.000Z'), 2_629_746).toISOString()).toBe('2023-02-28T10:00:00.000Z');
    expect(addKeygenDuration(at('2024-01-31T10:00:00.000Z'), 2_629_746).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(addKeygenDuration(at('2024-03-31T00:00:00.000Z'), 2_629_746).toISOString()).toBe('2024-04-30T00:00:00.000Z');
  });

  it('moves a leap day by a year to Feb 28, and Feb 28 by a year to Feb 28', () => {
    expect(addKeygenDuration(at('2024-02-29T12:00:00.000Z'), 31_556_952).toISOString()).toBe('2025-02-28T12:00:00.000Z');
    expect(addKeygenDuration(at('2023-02-28T12:00:00.000Z'), 31_556_952).toISOString()).toBe('2024-02-28T12:00:00.000Z');
    expect(addKeygenDuration(at('2096-02-29T00:00:00.000Z'), 4 * 31_556_952).toISOString()).toBe('2100-02-28T00:00:00.000Z');
    expect(addKeygenDuration(at('1996-02-29T00:00:00.000Z'), 4 * 31_556_952).toISOString()).toBe('2000-02-29T00:00:00.000Z');
  });

  it('clamps after each part, as Rails applies them one at a time', () => {
    // 1 year then 1 month from a leap day: Feb 29 → Feb 28 → Mar 28 (13 months at once would give Mar 29).
    expect(addKeygenDuration(at('2024-02-29T00:00:00.000Z'), 31_556_952 + 2_629_746).toISOString()).toBe('2025-03-28T00:00:00.000Z');
  });

  it('crosses year ends and keeps milliseconds', () => {
    expect(addKeygenDuration(at('2024-12-15T23:59:59.999Z'), 2_629_746 + 7 * DAY + 1).toISOString()).toBe('2025-01-23T00:00:00.999Z');
  });

  it('adds weeks and days as whole UTC days, whatever the month length', () => {
    expect(addKeygenDuration(at('2023-02-27T06:00:00.000Z'), 2 * DAY).toISOString()).toBe('2023-03-01T06:00:00.000Z');
    expect(addKeygenDuration(at('2024-02-27T06:00:00.000Z'), 2 * DAY).toISOString()).toBe('2024-02-29T06:00:00.000Z');
  });

  it('goes back on the calendar with negative durations (Duration#ago)', () => {
    expect(addKeygenDuration(at('2023-03-31T08:00:00.000Z'), -2_629_746).toISOString()).toBe('2023-02-28T08:00:00.000Z');
    expect(advanceByParts(at('2024-02-29T00:00:00.000Z'), { years: -1 }).toISOString()).toBe('2023-02-28T00:00:00.000Z');
  });

  it('adds nothing for 0 s and throws a RangeError for an invalid date', () => {
    expect(addKeygenDuration(at('2024-05-05T05:05:05.005Z'), 0).toISOString()).toBe('2024-05-05T05:05:05.005Z');
    expect(() => addKeygenDuration(new Date(Number.NaN), 3_600)).toThrow(RangeError);
  });
});
