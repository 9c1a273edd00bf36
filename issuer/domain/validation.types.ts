/** The narrow inputs and outputs of license validation; the database layer adapts its rows to these. */
import { KEYGEN_VALIDATION_CODES } from '../../src/contract/codes.js';

/** Every `meta.code` a validation can answer (keygen-licenses-api.md "Validation codes"). */
export const VALIDATION_CODES = ['VALID', ...KEYGEN_VALIDATION_CODES] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export type ExpirationStrategy = 'RESTRICT_ACCESS' | 'REVOKE_ACCESS' | 'MAINTAIN_ACCESS' | 'ALLOW_ACCESS';
export type MatchingStrategy = 'MATCH_ANY' | 'MATCH_TWO' | 'MATCH_MOST' | 'MATCH_ALL';
export type CheckInInterval = 'day' | 'week' | 'month' | 'year';
export type OverageStrategy = 'NO_OVERAGE' | 'ALWAYS_ALLOW_OVERAGE' | 'ALLOW_1_25X_OVERAGE' | 'ALLOW_1_5X_OVERAGE' | 'ALLOW_2X_OVERAGE';
export type ProcessLeasingStrategy = 'PER_MACHINE' | 'PER_LICENSE' | 'PER_USER';
export type LicenseStatus = 'ACTIVE' | 'INACTIVE' | 'EXPIRING' | 'EXPIRED' | 'SUSPENDED' | 'BANNED';
export type HeartbeatStatus = 'NOT_STARTED' | 'ALIVE' | 'DEAD';

/** A user attached to a license (owner or licensee); scopes name users by id or email. */
export interface ValidationUser {
  readonly id: string;
  readonly email: string | null;
  readonly banned: boolean;
}

/**
 * A license with its policy's settings folded in. Limits are the license's effective values
 * (its override, else the policy's); `null` means unlimited. Times are ms since the epoch.
 */
export interface ValidationLicense {
  readonly id: string;
  readonly productId: string;
  readonly policyId: string;
  readonly owner: ValidationUser | null;
  /** Licensees (users attached besides the owner). */
  readonly users: readonly ValidationUser[];
  /** Codes of every entitlement the license has (its own and its policy's). */
  readonly entitlementCodes: readonly string[];
  readonly suspended: boolean;
  readonly expiry: number | null;
  /** Null means never checked in: Keygen then never reports OVERDUE (it sets one on creation). */
  readonly lastCheckIn: number | null;

  readonly floating: boolean;
  readonly strict: boolean;
  readonly maxMachines: number | null;
  readonly maxCores: number | null;
  readonly maxMemory: number | null;
  readonly maxDisk: number | null;
  readonly maxProcesses: number | null;
  readonly maxUsers: number | null;
  readonly overageStrategy?: OverageStrategy | undefined;
  readonly processLeasingStrategy?: ProcessLeasingStrategy | undefined;

  readonly requireCheckIn: boolean;
  readonly checkInInterval: CheckInInterval | null;
  readonly checkInIntervalCount: number | null;
  readonly requireHeartbeat: boolean;
  /** Seconds; Keygen's default of 600 applies when null. */
  readonly heartbeatDuration: number | null;
  readonly expirationStrategy: ExpirationStrategy;

  readonly requireProductScope: boolean;
  readonly requirePolicyScope: boolean;
  readonly requireMachineScope: boolean;
  readonly requireFingerprintScope: boolean;
  readonly requireComponentsScope: boolean;
  readonly requireUserScope: boolean;
  readonly requireChecksumScope: boolean;
  readonly requireVersionScope: boolean;
  readonly machineMatchingStrategy: MatchingStrategy;
  readonly componentMatchingStrategy: MatchingStrategy;
}

/** One of the license's machines (activations). */
export interface ValidationMachine {
  readonly id: string;
  readonly fingerprint: string;
  readonly cores: number | null;
  readonly memory: number | null;
  readonly disk: number | null;
  readonly ownerId: string | null;
  /** Creation time (ms): a required heartbeat must start within the heartbeat duration of it. */
  readonly created: number;
  readonly lastHeartbeat: number | null;
  /** Fingerprints of the machine's components. */
  readonly components: readonly string[];
  /** Number of live processes on the machine (default 0). */
  readonly processes?: number | undefined;
  /** The machine's own process limit, overriding the license's (default: the license's). */
  readonly maxProcesses?: number | null | undefined;
}

/** A release the license may access, for the version and checksum scopes. */
export interface ValidationRelease {
  readonly version: string;
  /** Checksums of the release's uploaded artifacts. */
  readonly checksums: readonly string[];
}

/**
 * `meta.scope` of a validation request. A key that is present (even `null`) is a given scope;
 * an absent key (`undefined`) is no scope.
 */
export interface ValidationScope {
  readonly product?: string | null | undefined;
  readonly policy?: string | null | undefined;
  readonly machine?: string | null | undefined;
  readonly fingerprint?: string | null | undefined;
  readonly fingerprints?: readonly (string | null)[] | null | undefined;
  readonly components?: readonly (string | null)[] | null | undefined;
  /** User id or email. */
  readonly user?: string | null | undefined;
  readonly entitlements?: readonly (string | null)[] | null | undefined;
  readonly checksum?: string | null | undefined;
  readonly version?: string | null | undefined;
}

export interface ValidationInput {
  readonly license: ValidationLicense;
  readonly machines: readonly ValidationMachine[];
  /** Releases accessible to the license, newest first (checksum and version scopes). */
  readonly releases?: readonly ValidationRelease[] | undefined;
  /** The request's scope; `false` skips every scope check (Keygen's quick validation). */
  readonly scope?: ValidationScope | false | undefined;
  /** ms since the epoch. */
  readonly now: number;
}

/** What Keygen records on the license after a validation (its `version` attribute). */
export interface ValidationTouches {
  readonly lastValidatedVersion?: string;
  readonly lastValidatedChecksum?: string;
}

export interface ValidationResult {
  readonly valid: boolean;
  readonly code: ValidationCode;
  readonly detail: string;
  readonly touches: ValidationTouches;
}
