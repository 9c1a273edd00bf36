/**
 * What the administrator views exchange with the core: the signed-in session, a product's
 * licenses, a license's capacity, exports, bulk deactivation progress and the audit log.
 * Portable (the renderer imports it): types and pure helpers only, no Node.
 */
import type { FailureCode } from './codes.js';

/** Who is signed in to the administrator views. Never the token itself. */
export interface AdminSession {
  /** The token's id as the server names it (`Keygen-Token`), else `sha256:` and 12 hex digits of the token. */
  readonly tokenId: string;
  /** An admin user of the account, or a product (whose token sees that product's licenses only). */
  readonly bearer: { readonly kind: 'admin' | 'product'; readonly id: string; readonly name: string | null };
  /** ISO 8601. */
  readonly signedInAt: string;
}

/** One license of the product, as the Licenses view lists it. */
export interface AdminLicense {
  readonly id: string;
  readonly name: string | null;
  /** The key masked (`AFBBA7…V3`), never in full. */
  readonly keyHint: string | null;
  readonly policy: { readonly id: string; readonly name: string | null } | null;
  /** Keygen's status: ACTIVE, INACTIVE, EXPIRING, EXPIRED, SUSPENDED, BANNED. */
  readonly status: string | null;
  readonly expiry: string | null;
  /** Seats in use. */
  readonly used: number | null;
  /** Seats allowed; null when the license has no machine limit. */
  readonly max: number | null;
  readonly lastValidated: string | null;
  /** The owner's user id, or null. */
  readonly owner: string | null;
  readonly created: string | null;
}

/** A license's seats in use against its limit ("2 of 3"). */
export interface SeatCapacity {
  readonly licenseId: string;
  readonly name: string | null;
  readonly used: number;
  /** Null when the license has no machine limit. */
  readonly max: number | null;
}

/** One page of a server list, with the server's count of the whole list when it gave one. */
export interface ListPage<T> {
  readonly data: readonly T[];
  /** The next page's number, or null on the last page. */
  readonly next: number | null;
  readonly total: number | null;
}

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A finished export, every page of it, for the console to offer as a download. */
export interface ExportFile {
  readonly fileName: string;
  readonly mediaType: 'text/csv' | 'application/json';
  readonly text: string;
  readonly rows: number;
}

/** What became of the seats of a bulk deactivation, seat by seat. */
export interface BulkCounts {
  readonly total: number;
  readonly deactivated: number;
  /** Seats the server no longer had (404): counted as done. */
  readonly alreadyGone: number;
  readonly failed: number;
}

/** A running or finished bulk deactivation, as the console polls it. */
export interface BulkProgress extends BulkCounts {
  readonly jobId: string;
  readonly state: 'running' | 'cancelling' | 'finished';
  /** Seats settled per second so far (null before the first one). */
  readonly perSecond: number | null;
  /** Estimated seconds left at that rate (null when unknown). */
  readonly secondsLeft: number | null;
  /** Seconds the job is waiting for the server's rate limit to reset, or null. */
  readonly waitingSeconds: number | null;
  /** The outcome, once finished. */
  readonly outcome: BulkResult | null;
}

/** The outcome of a bulk deactivation. */
export interface BulkResult {
  readonly deactivated: readonly string[];
  readonly alreadyGone: readonly string[];
  readonly failed: readonly { readonly id: string; readonly code: FailureCode; readonly message: string }[];
  /** Seats not asked about: the run was cancelled, or stopped. */
  readonly notAttempted: readonly string[];
  /** Why the run ended early: cancelled by the person, or the server's rate limit did not let up. Null when it ran to the end. */
  readonly stopped: 'cancelled' | 'rate-limited' | null;
}

export const AUDIT_ACTIONS = ['sign-in', 'sign-out', 'deactivate', 'export'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** One line of the audit log. Never a token or a license key. */
export interface AuditEntry {
  /** ISO 8601. */
  readonly time: string;
  readonly action: AuditAction;
  /** The license acted on, or null (sign-in, a product-wide export). */
  readonly license: string | null;
  /** Machine ids acted on (deactivations). */
  readonly machines: readonly string[];
  readonly result: 'ok' | 'partial' | 'failed' | 'cancelled';
  /** What acted: an admin or product token, a license key, or this machine's own license. */
  readonly credential: 'admin-token' | 'license-key' | 'active-license';
  /** The token's id (never the token); null for a license key. */
  readonly tokenId: string | null;
  /** A short description: counts, the export's format and rows, or the failure code. */
  readonly detail: string | null;
}

const DAY_MS = 86_400_000;

/**
 * Whether a seat has not been seen for at least `days` days at `now` (ms): its last sign of
 * life (`lastSeen`, computed by the core from activation, heartbeat, check-out and
 * validation) is that old. A seat whose last sign cannot be read counts as unseen.
 */
export function unseenFor(seat: { readonly lastSeen: string | null }, days: number, now: number): boolean {
  const seen = seat.lastSeen === null ? Number.NaN : Date.parse(seat.lastSeen);
  return !Number.isFinite(seen) || seen <= now - days * DAY_MS;
}

/** "2 of 3", "2 of unlimited". */
export function capacityText(used: number | null, max: number | null): string {
  return `${used ?? '?'} of ${max === null ? 'unlimited' : max}`;
}

/** A wait or the time a bulk run has left, as the command line and the app say it: "7 min 23 s", "42 s". */
export function durationText(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  return minutes === 0 ? `${whole} s` : `${minutes} min ${whole % 60} s`;
}
