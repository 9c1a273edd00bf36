/**
 * Reads the licenses list's query parameters into a `LicenseFilter`, with Keygen's semantics
 * (keygen-api `LicensesController` `has_scope`s): blank values are ignored, booleans are cast
 * the Rails way, and a value that cannot match (an unparseable duration or time, an unknown
 * status, a non-UUID id) yields an empty list rather than an error.
 */
import type { Comparison, LicenseFilter, TimeRange } from '../db/license-filters.js';
import { advance, parseFilterDuration } from '../domain/calendar.js';
import { camelizeKey } from '../domain/metadata.js';
import type { Query } from '../http/query.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** ActiveRecord's boolean cast: these are false, every other non-blank value is true. */
const FALSE_VALUES = new Set(['false', 'f', '0', 'off', 'FALSE', 'F', 'OFF', 'False', 'Off']);
const STATUSES = ['ACTIVE', 'INACTIVE', 'EXPIRING', 'EXPIRED', 'SUSPENDED', 'BANNED'] as const;
const COMPARISONS: readonly Comparison[] = ['eq', 'gt', 'gte', 'lt', 'lte'];

function scalar(query: Query, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function object(query: Query, name: string): Readonly<Record<string, string>> | undefined {
  const value = query[name];
  if (typeof value !== 'object') return undefined;
  const nonBlank = Object.entries(value).filter(([, inner]) => inner !== '');
  return nonBlank.length === 0 ? undefined : Object.fromEntries(nonBlank);
}

function bool(value: string | undefined): boolean | undefined {
  return value === undefined ? undefined : !FALSE_VALUES.has(value);
}

/** Keygen's time parameters: digits are unix seconds, anything else an ISO 8601 time. */
function time(text: string): number | null {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** Builds the filter for `GET /licenses` (bearer scoping is added by the caller). */
export function licenseFilterFrom(query: Query, now: number): LicenseFilter {
  const filter: Mutable<LicenseFilter> = { now };
  const never = (): void => {
    filter.none = true;
  };

  const relations = { product: 'productId', policy: 'policyId', group: 'groupId', machine: 'machineId', owner: 'owner', user: 'user' } as const;
  for (const [param, field] of Object.entries(relations)) {
    const value = scalar(query, param);
    if (value !== undefined) filter[field] = value;
  }

  const status = scalar(query, 'status')?.toUpperCase();
  if (status !== undefined) {
    const known = STATUSES.find((candidate) => candidate === status);
    if (known === undefined) never();
    else filter.status = known;
  }

  const expires = object(query, 'expires');
  if (expires !== undefined) {
    const range = futureRange(expires, now);
    if (range === null) never();
    else filter.expires = range;
  }

  const expiredObject = object(query, 'expired');
  if (expiredObject !== undefined) {
    const range = pastRange(expiredObject, now);
    if (range === null) never();
    else filter.expired = range;
  } else if (scalar(query, 'expired') !== undefined) {
    filter.expired = bool(scalar(query, 'expired'));
  }

  const activity = object(query, 'activity');
  if (activity !== undefined) {
    const parsed = activityOf(activity, now);
    if (parsed === null) never();
    else filter.activity = parsed;
  }

  for (const name of ['expiring', 'suspended', 'assigned', 'activated'] as const) {
    const value = bool(scalar(query, name));
    if (value !== undefined) filter[name] = value;
  }
  const unassigned = bool(scalar(query, 'unassigned'));
  if (unassigned !== undefined) filter.assigned = !unassigned;

  const activations = object(query, 'activations');
  if (activations !== undefined) {
    const op = COMPARISONS.find((candidate) => activations[candidate] !== undefined);
    if (op === undefined) never();
    else filter.activations = { op, value: Number(/^\s*-?\d+/.exec(activations[op] ?? '')?.[0] ?? 0) };
  }

  const metadata = object(query, 'metadata');
  if (metadata !== undefined) filter.metadata = Object.fromEntries(Object.entries(metadata).map(([key, value]) => [camelizeKey(key), value]));
  return filter;
}

/**
 * A time range from `[in|within]` (a duration from now, forwards for `expires`, backwards for
 * `expired`), else `[before]`, else `[after]`: the first one given wins, as in Keygen's `case`.
 */
function timeRange(params: Readonly<Record<string, string>>, now: number, direction: 1 | -1): TimeRange | null {
  const within = params.within ?? params.in;
  if (within !== undefined) {
    const duration = parseFilterDuration(within);
    if (duration === null) return null;
    return direction === 1 ? { from: now, to: advance(now, duration) } : { from: advance(now, duration, -1) };
  }
  if (params.before !== undefined) {
    const t = time(params.before);
    return t === null ? null : { to: t };
  }
  if (params.after !== undefined) {
    const t = time(params.after);
    return t === null ? null : { from: t };
  }
  return null;
}

/** `expires[in|within|before|after]`: expiring within the next duration, or before/after a time. */
const futureRange = (params: Readonly<Record<string, string>>, now: number): TimeRange | null => timeRange(params, now, 1);

/** `expired[in|before|after]`: expired within the last duration, or before/after a time. */
const pastRange = (params: Readonly<Record<string, string>>, now: number): TimeRange | null => timeRange(params, now, -1);

/** `activity[inside|outside]` (durations) and `activity[before|after]` (times), per the reference. */
function activityOf(params: Readonly<Record<string, string>>, now: number): LicenseFilter['activity'] | null {
  for (const [name, active] of [['inside', true], ['outside', false]] as const) {
    const value = params[name];
    if (value === undefined) continue;
    const duration = parseFilterDuration(value);
    return duration === null ? null : { active, since: advance(now, duration, -1) };
  }
  for (const [name, active] of [['after', true], ['before', false]] as const) {
    const value = params[name];
    if (value === undefined) continue;
    const t = time(value);
    return t === null ? null : { active, since: t };
  }
  return null;
}
