/**
 * The machine list filters (`GET /machines?…`, `GET /licenses/:id/machines?…`), after the
 * `has_scope`s of Keygen's `MachinesController`: `license`, `key`, `fingerprint`, `ip`,
 * `hostname`, `status`, `product`, `policy`, `group`, `user`, `owner`. Blank values are ignored;
 * a value that cannot match (an unknown status) gives an empty list, not an error.
 */

/** A machine's heartbeat status as the `status` filter names it (Keygen's `with_status`). */
export type MachineStatusFilter = 'ALIVE' | 'DEAD';

/** Every filter of the machines list, parsed. Absent means "not filtered". */
export interface MachineFilter {
  /** The request time (the `status` filter is computed from it). */
  readonly now: number;
  /** Set when a value can match nothing. */
  readonly none?: boolean;
  /** Bearer scoping: a product sees its machines, a license its own. */
  readonly scope?: { readonly productId?: string; readonly licenseId?: string };
  readonly licenseId?: string;
  /** A license key. */
  readonly key?: string;
  readonly fingerprint?: string;
  readonly ip?: string;
  readonly hostname?: string;
  readonly productId?: string;
  readonly policyId?: string;
  readonly groupId?: string;
  /** UUID or email; matches the license's owner and attached users. */
  readonly user?: string;
  /** UUID or email of the machine's owner. */
  readonly owner?: string;
  readonly status?: MachineStatusFilter;
}

/** A parsed query string, as the HTTP layer gives it (scalars or one-level objects). */
export type QueryValues = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SCALARS = {
  license: 'licenseId',
  key: 'key',
  fingerprint: 'fingerprint',
  ip: 'ip',
  hostname: 'hostname',
  product: 'productId',
  policy: 'policyId',
  group: 'groupId',
  user: 'user',
  owner: 'owner',
} as const;

/** Builds the filter for a machine list (bearer scoping is added by the caller). */
export function machineFilterFrom(query: QueryValues, now: number): MachineFilter {
  const filter: Mutable<MachineFilter> = { now };
  for (const [param, field] of Object.entries(SCALARS)) {
    const value = query[param];
    if (typeof value === 'string' && value !== '') filter[field] = value;
  }
  const status = query.status;
  if (typeof status === 'string' && status !== '') {
    const upper = status.toUpperCase();
    if (upper === 'ALIVE' || upper === 'DEAD') filter.status = upper;
    else filter.none = true;
  }
  return filter;
}
