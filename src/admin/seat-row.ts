/**
 * A seat as the admin views show it: a machine resource from the server, with its times of
 * activation, last heartbeat, last check-out and last validation, and the latest of them as
 * "last seen" — the staleness filter's one input. Pure functions over verified responses.
 */
import type { ApiResource } from '../keygen/client.types.js';
import type { SeatCapacity } from '../contract/admin.js';
import type { Seat } from '../licensing/manager.types.js';
import { text, time } from './attributes.js';


/** The latest of the given times, or null when none is known. */
export function latest(times: readonly (string | null)[]): string | null {
  let best: string | null = null;
  // ISO 8601 in UTC (as normalised above) orders as strings.
  for (const at of times) if (at !== null && (best === null || at > best)) best = at;
  return best;
}

/** A seat; `current` when its fingerprint is `fingerprint` (this machine's). */
export function seatOf(machine: ApiResource, fingerprint: string | null): Seat {
  const attributes = machine.attributes;
  const seatFingerprint = text(attributes.fingerprint) ?? '';
  const created = time(attributes.created);
  const lastHeartbeat = time(attributes.lastHeartbeat);
  const lastCheckOut = time(attributes.lastCheckOut);
  const lastValidated = time(attributes.lastValidated);
  return {
    id: machine.id,
    fingerprint: seatFingerprint,
    name: text(attributes.name),
    hostname: text(attributes.hostname),
    platform: text(attributes.platform),
    heartbeatStatus: text(attributes.heartbeatStatus),
    lastHeartbeat,
    lastCheckOut,
    lastValidated,
    lastSeen: latest([created, lastHeartbeat, lastCheckOut, lastValidated]),
    created: created ?? '',
    current: fingerprint !== null && seatFingerprint === fingerprint,
  };
}

/** A license's seats in use (`relationships.machines.meta.count`) against its `maxMachines` (null: no limit). */
export function capacityOf(license: ApiResource): SeatCapacity {
  const machines = license.relationships?.machines as { meta?: { count?: unknown } } | undefined;
  const count = machines?.meta?.count;
  const max = license.attributes.maxMachines;
  return {
    licenseId: license.id,
    name: text(license.attributes.name),
    used: typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : 0,
    max: typeof max === 'number' && Number.isSafeInteger(max) && max >= 0 ? max : null,
  };
}
