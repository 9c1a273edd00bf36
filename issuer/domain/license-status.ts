/**
 * Time-based license facts shared by validation and serialization: expiry, check-in schedule,
 * heartbeat status and the at-a-glance `status` attribute.
 */
import { advanceByParts } from './duration.js';
import type { HeartbeatStatus, LicenseStatus, ValidationLicense, ValidationMachine, ValidationUser } from './validation.types.js';

/** Keygen's default heartbeat window, in seconds, when the policy sets none. */
export const DEFAULT_HEARTBEAT_DURATION_SECONDS = 600;
const INACTIVE_AFTER_MS = 90 * 86_400_000;
const EXPIRING_WITHIN_MS = 3 * 86_400_000;
const INTERVAL_PART = { day: 'days', week: 'weeks', month: 'months', year: 'years' } as const;

/** The license fields the check-in rules read. */
export type CheckInFields = Pick<ValidationLicense, 'requireCheckIn' | 'lastCheckIn' | 'checkInInterval' | 'checkInIntervalCount'>;

/** Keygen's `License#expired?`: an expiry strictly before now. */
export const isExpired = (license: Pick<ValidationLicense, 'expiry'>, now: number): boolean =>
  license.expiry !== null && license.expiry < now;

/** Keygen's `License#check_in_overdue?`: last check-in older than `count` calendar intervals. */
export function isCheckInOverdue(license: CheckInFields, now: number): boolean {
  if (!license.requireCheckIn || license.lastCheckIn === null) return false;
  if (license.checkInInterval === null || license.checkInIntervalCount === null) return false;
  const due = advanceByParts(now, { [INTERVAL_PART[license.checkInInterval]]: -license.checkInIntervalCount });
  return license.lastCheckIn < due.getTime();
}

/** When the next check-in is due (ms), or null when the policy requires none. */
export function nextCheckIn(license: CheckInFields): number | null {
  if (!license.requireCheckIn || license.lastCheckIn === null) return null;
  if (license.checkInInterval === null || license.checkInIntervalCount === null) return null;
  return advanceByParts(license.lastCheckIn, { [INTERVAL_PART[license.checkInInterval]]: license.checkInIntervalCount }).getTime();
}

/**
 * A machine's heartbeat status (Keygen `Machine#heartbeat_status`): NOT_STARTED until the first
 * ping (DEAD instead once a required heartbeat has not started within the window of creation),
 * then ALIVE while the last ping is within the heartbeat duration, else DEAD.
 */
export function heartbeatStatus(
  machine: Pick<ValidationMachine, 'created' | 'lastHeartbeat'>,
  policy: Pick<ValidationLicense, 'requireHeartbeat' | 'heartbeatDuration'>,
  now: number,
): HeartbeatStatus {
  const windowMs = (policy.heartbeatDuration ?? DEFAULT_HEARTBEAT_DURATION_SECONDS) * 1000;
  if (machine.lastHeartbeat === null) {
    return !policy.requireHeartbeat || machine.created >= now - windowMs ? 'NOT_STARTED' : 'DEAD';
  }
  return machine.lastHeartbeat + windowMs >= now ? 'ALIVE' : 'DEAD';
}

/** Inputs of the at-a-glance status. */
export interface StatusInput {
  readonly owner: Pick<ValidationUser, 'banned'> | null;
  readonly suspended: boolean;
  readonly expiry: number | null;
  readonly created: number;
  readonly lastValidated: number | null;
  readonly lastCheckOut: number | null;
  readonly lastCheckIn: number | null;
}

/**
 * The license's `status` attribute, first match wins: BANNED (owner banned), SUSPENDED, EXPIRED,
 * EXPIRING (expires within 3 days), INACTIVE (created, validated, checked out and checked in all
 * more than 90 days ago), else ACTIVE. At-a-glance only: it never decides validity.
 */
export function licenseStatus(license: StatusInput, now: number): LicenseStatus {
  if (license.owner?.banned === true) return 'BANNED';
  if (license.suspended) return 'SUSPENDED';
  if (license.expiry !== null && license.expiry < now) return 'EXPIRED';
  if (license.expiry !== null && license.expiry > now && license.expiry < now + EXPIRING_WITHIN_MS) return 'EXPIRING';
  const since = now - INACTIVE_AFTER_MS;
  const recent = [license.created, license.lastValidated, license.lastCheckOut, license.lastCheckIn].some((at) => at !== null && at >= since);
  return recent ? 'ACTIVE' : 'INACTIVE';
}
