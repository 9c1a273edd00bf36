/**
 * The license manager: the one core that the CLI, the local agent and the desktop app drive.
 * Expected failures are values with a closed code and a message; bugs throw.
 */
import type { BulkResult } from '../contract/admin.js';
import type { FailureCode, Result } from '../contract/codes.js';

/** A warning shown beside a status (most only beside a licensed one). */
export interface StatusWarning {
  readonly code:
    | 'LICENSE_EXPIRING'
    | 'FILE_EXPIRING'
    | 'CHECK_IN_OVERDUE'
    | 'CLOCK_SKEWED'
    | 'ANSWER_UNVERIFIABLE'
    | 'STATE_NOT_SAVED'
    | 'STATE_SET_ASIDE'
    | 'ACTIVATION_PENDING'
    | 'DEACTIVATION_PENDING'
    | 'SEVERAL_LICENSES';
  readonly message: string;
  /** The same warning in the app's terms (its screens and buttons), when `message` names a command. */
  readonly uiMessage?: string;
  /** The moment the warning is about (ISO 8601). */
  readonly at: string;
}

/** What a license grants, decoded from a verified certificate (and refreshed online). */
export interface LicenseFacts {
  readonly id: string;
  readonly name: string | null;
  /** The license key masked for display (`AFBBA7…V3`), never in full. */
  readonly keyHint: string | null;
  readonly status: string | null;
  readonly expiry: string | null;
  readonly policy: { readonly id: string; readonly name: string | null } | null;
  readonly product: { readonly id: string; readonly name: string | null } | null;
  /** Entitlement codes, sorted. */
  readonly entitlements: readonly string[];
  readonly machine: { readonly id: string; readonly name: string | null; readonly fingerprint: string } | null;
}

/** The answer to "is this machine licensed?", decided offline first and refreshed online when reachable. */
export interface StatusReport {
  readonly licensed: boolean;
  /** `VALID`, or the precise reason it is not (engine code, Keygen code, NOT_ACTIVATED …). */
  readonly code: 'VALID' | FailureCode;
  readonly message: string;
  /**
   * The verdict in one sentence, saying what it rests on and until when: "Licensed offline until
   * 5 Jan 2027 (machine file); check in by 12 Dec 2026." or the reason it is not licensed.
   */
  readonly summary: string;
  /** Whether the licensing server confirmed this answer now, or it comes from the stored file alone. */
  readonly source: 'online' | 'offline';
  readonly license: LicenseFacts | null;
  /** When the stored certificate stops being usable offline (ISO 8601), or null. */
  readonly fileExpiry: string | null;
  readonly lastCheckIn: string | null;
  readonly nextCheckIn: string | null;
  /**
   * What a licensed verdict rests on: the kind of file, until when it holds offline (the
   * earlier of the file's and the license's expiry), and the check-in deadline; null when
   * there is nothing to rest on.
   */
  readonly basis: { readonly kind: 'machine-file' | 'license-file'; readonly until: string | null; readonly checkInBy: string | null } | null;
  readonly warnings: readonly StatusWarning[];
}

/** One installed license, as listed. */
export interface InstalledLicense {
  readonly id: string;
  readonly kind: 'license' | 'machine';
  readonly source: 'activation' | 'import';
  readonly label: string | null;
  readonly pinned: boolean;
  /** Whether this is the license `status` answers for. */
  readonly active: boolean;
  readonly licensed: boolean;
  readonly code: 'VALID' | FailureCode;
  readonly license: LicenseFacts | null;
  readonly fileExpiry: string | null;
  readonly installedAt: string;
  readonly updatedAt: string;
}

/** One seat (activated machine) of a license, for admins. */
export interface Seat {
  readonly id: string;
  readonly fingerprint: string;
  readonly name: string | null;
  readonly hostname: string | null;
  readonly platform: string | null;
  readonly heartbeatStatus: string | null;
  readonly lastHeartbeat: string | null;
  /** When the machine last checked out a machine file. */
  readonly lastCheckOut: string | null;
  /** When a validation last named the machine (servers that record it; Keygen does not). */
  readonly lastValidated: string | null;
  /** The latest of activation, last heartbeat, last check-out and last validation: the seat's last sign of life. */
  readonly lastSeen: string | null;
  readonly created: string;
  /** Whether this seat is the machine Tessera runs on. */
  readonly current: boolean;
}

/**
 * Who lists or deactivates seats: a license key, an admin/product token, or the active
 * license's own key as kept in the keychain (the desktop app's Seats screen).
 */
export type SeatCredentials =
  | { readonly licenseKey: string }
  | { readonly adminToken: string; readonly licenseId: string }
  | { readonly activeLicense: true };

/** What `seatAccess` grants: API credentials for one license's seats. */
export interface SeatAccessGrant {
  /** The client's `Credentials` (spelt out: the renderer's project reads this file, and not the client's). */
  readonly credentials: { readonly kind: 'license-key'; readonly key: string } | { readonly kind: 'token'; readonly token: string };
  readonly licenseId: string;
  /** This machine's fingerprint, or null. */
  readonly fingerprint: string | null;
}

/** A page of an ordered list, with the cursor of the next page. */
export interface Paged<T> {
  readonly data: readonly T[];
  readonly next: string | null;
  /** The length of the whole list, when the server said. */
  readonly total?: number | null;
}

/**
 * The outcome of deactivating several seats: each one succeeds, was already gone (done too),
 * fails on its own, or was not attempted (cancelled, or the rate limit did not let up).
 */
export type BulkOutcome = BulkResult;

export interface LicenseManager {
  /**
   * Activates this machine: validate-key scoped to the fingerprint (and product) →
   * NO_MACHINE / NO_MACHINES / FINGERPRINT_SCOPE_MISMATCH → activate → check out an encrypted
   * machine file with the license and entitlements → verify it → store (key in the keychain).
   * An already-activated machine is recognised, not activated twice.
   */
  activate(licenseKey: string): Promise<Result<StatusReport>>;
  /** Status of the active license; `online: false` never touches the network. Not being licensed is a report, not a failure. */
  status(options?: { readonly online?: boolean }): Promise<StatusReport>;
  /** Checks the active license in (422 → CHECK_IN_NOT_REQUIRED), then refreshes the file. */
  checkIn(): Promise<Result<StatusReport>>;
  /** Forces a fresh check-out of the active license's machine file. */
  renew(): Promise<Result<StatusReport>>;
  /**
   * Marks the license "deactivating" (no longer licensed here), frees the seat on the server,
   * then removes the record and key. When the server cannot be reached: DEACTIVATION_INCOMPLETE,
   * finished by the next run or the scheduler.
   */
  deactivate(): Promise<Result<{ readonly licenseId: string; readonly machineId: string }>>;
  /** Sends a heartbeat when the active license requires one (no-op otherwise). */
  heartbeat(): Promise<Result<{ readonly sent: boolean }>>;
  /** Verifies and installs a license or machine file carried in by hand (LICENSE_KEY_REQUIRED when encrypted and no key given). */
  importFile(certificate: string, options?: { readonly licenseKey?: string }): Promise<Result<InstalledLicense>>;
  /** Installed licenses, ordered by install time, `limit` per page after cursor `after`; the state's failure when it cannot be read (never an empty list then). */
  installed(page?: { readonly after?: string; readonly limit?: number }): Promise<Result<Paged<InstalledLicense>>>;
  /** One installed license (LICENSE_NOT_INSTALLED when unknown). */
  get(id: string): Promise<Result<InstalledLicense>>;
  /** Changes a person's label or the pin of an installed license. */
  update(id: string, changes: { readonly label?: string | null; readonly pinned?: boolean }): Promise<Result<InstalledLicense>>;
  /** Removes an installed license and its secrets locally (the server is not told). */
  remove(id: string): Promise<Result<void>>;
  /** Forgets the notices about damaged state files set aside (after a person read them). */
  dismissNotices(): Promise<Result<void>>;
  /** The license's seats, with the current machine marked. */
  seats(credentials: SeatCredentials, page?: { readonly number?: number; readonly size?: number }): Promise<Result<Paged<Seat>>>;
  /**
   * The API credentials that stand for `credentials` (the active license's key from the
   * keychain, a license key, or a token), the license they are about, and this machine's
   * fingerprint (to mark its seat; null when it cannot be read).
   */
  seatAccess(credentials: SeatCredentials): Promise<Result<SeatAccessGrant>>;
  /** Deactivates the given seats, a few at a time; a seat already gone counts as done. */
  deactivateSeats(credentials: SeatCredentials, ids: readonly string[], onProgress?: (done: number, total: number) => void): Promise<Result<BulkOutcome>>;
  /** Forgets the local records of licenses whose machine is among `machineIds` (deactivated elsewhere). */
  seatsDeactivated(machineIds: readonly string[]): Promise<void>;
}
