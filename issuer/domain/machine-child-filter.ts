/**
 * The list filters of a machine's children, processes and components (`GET /processes?…`,
 * `GET /components?…`), after the `has_scope`s of Keygen's `MachineProcessesController` and
 * `MachineComponentsController`: `machine`, `license`, `product`, `user`, and `status` for
 * processes. Blank values are ignored; a value that cannot match (an unknown status) gives an
 * empty list, not an error, as the machine list does.
 */
import type { QueryValues } from './machine-filter.js';

/** Every filter of a process or component list, parsed. Absent means "not filtered". */
export interface MachineChildFilter {
  /** The request time (the process `status` filter is computed from it). */
  readonly now: number;
  /** Set when a value can match nothing. */
  readonly none?: boolean;
  /** Bearer scoping: a product sees its own, a license its own. */
  readonly scope?: { readonly productId?: string; readonly licenseId?: string };
  readonly machineId?: string;
  readonly licenseId?: string;
  readonly productId?: string;
  /** UUID or email; matches the license's owner and attached users. */
  readonly user?: string;
  /** Processes only: Keygen's `with_status` (ALIVE or DEAD). */
  readonly status?: 'ALIVE' | 'DEAD';
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const SCALARS = { machine: 'machineId', license: 'licenseId', product: 'productId', user: 'user' } as const;

/**
 * Builds the filter for a process list (`withStatus`) or a component list. Keygen's component
 * controller declares a `status` scope that its model does not answer, so components ignore it.
 */
export function machineChildFilterFrom(query: QueryValues, now: number, withStatus: boolean): MachineChildFilter {
  const filter: Mutable<MachineChildFilter> = { now };
  for (const [param, field] of Object.entries(SCALARS)) {
    const value = query[param];
    if (typeof value === 'string' && value !== '') filter[field] = value;
  }
  const status = query.status;
  if (withStatus && typeof status === 'string' && status !== '') {
    const upper = status.toUpperCase();
    if (upper === 'ALIVE' || upper === 'DEAD') filter.status = upper;
    else filter.none = true;
  }
  return filter;
}
