/**
 * The license manager (`LicenseManager`), put together from one file per concern: activation
 * (activation.ts), status, check-in, renewal and heartbeats (renewal.ts), deactivation
 * (deactivation.ts), installed files (installed-files.ts) and seats (seats.ts), all on the
 * shared core of manager-core.ts. License keys live in the keychain (`license:<license id>`),
 * everything else in the state store; state changes run one at a time, each on freshly loaded
 * state.
 */
import { activate } from './activation.js';
import { deactivate } from './deactivation.js';
import { dismissNotices, importFile, installed, remove, update } from './installed-files.js';
import { createManagerCore } from './manager-core.js';
import type { LicenseManagerDeps } from './manager-core.types.js';
import type { LicenseManager } from './manager.types.js';
import { checkIn, heartbeat, renew, schedule, status } from './renewal.js';
import type { SchedulableManager } from './scheduler.js';
import { deactivateSeats, seatAccess, seats, seatsDeactivated } from './seats.js';

export type { LicenseManagerDeps } from './manager-core.types.js';

/** The manager, plus the schedule its background work follows. */
export interface ManagedLicenseManager extends LicenseManager, SchedulableManager {}

/** Creates the manager. A vendor public key that does not parse fails every operation with PUBLIC_KEY_INVALID. */
export function createLicenseManager(deps: LicenseManagerDeps): ManagedLicenseManager {
  const core = createManagerCore(deps);
  return {
    activate: (licenseKey) => activate(core, licenseKey),
    status: (options) => status(core, options),
    checkIn: () => checkIn(core),
    renew: () => renew(core),
    deactivate: () => deactivate(core),
    heartbeat: () => heartbeat(core),
    importFile: (certificate, options) => importFile(core, certificate, options),
    installed: (page) => installed(core, page),
    get: (id) => core.getInstalled(String(id)),
    update: (id, changes) => update(core, id, changes),
    remove: (id) => remove(core, id),
    dismissNotices: () => dismissNotices(core),
    seats: (credentials, page) => seats(core, credentials, page),
    seatAccess: (credentials) => seatAccess(core, credentials),
    deactivateSeats: (credentials, ids, onProgress) => deactivateSeats(core, credentials, ids, onProgress),
    seatsDeactivated: (machineIds) => seatsDeactivated(core, machineIds),
    schedule: () => schedule(core),
  };
}
