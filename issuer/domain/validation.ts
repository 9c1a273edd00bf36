/**
 * License validation as a pure function: Keygen's `validate` / `validate-key` decision
 * (`{valid, detail, code}`) for a license, its machines and an optional scope, at an injected
 * "now". The database layer adapts its rows to the narrow inputs below; looking the license
 * up (and answering NOT_FOUND) is the caller's job.
 *
 * Precedence, first match wins (Keygen's LicenseValidationService order):
 *  1. BANNED (owner banned) → SUSPENDED → EXPIRED, but only for REVOKE_ACCESS → OVERDUE.
 *  2. Scopes, unless the validation is unscoped (`scope: false`, the quick GET validation):
 *     product → policy → user → entitlements → machine (NO_MACHINE/NO_MACHINES, MACHINE_SCOPE_MISMATCH,
 *     USER_SCOPE_MISMATCH for the machine's owner, HEARTBEAT_NOT_STARTED, HEARTBEAT_DEAD) →
 *     fingerprint(s) (EMPTY, NO_MACHINE/NO_MACHINES, HEARTBEAT_DEAD, MISMATCH by the machine
 *     matching strategy, USER_SCOPE_MISMATCH, HEARTBEAT_NOT_STARTED) → components → checksum →
 *     version. Each scope is MISMATCH when given and REQUIRED when absent but required.
 *  3. TOO_MANY_USERS (checked for every policy, strict or not).
 *  4. Not strict: EXPIRED or VALID. Strict: NO_MACHINE / TOO_MANY_MACHINES (node-locked),
 *     NO_MACHINES / TOO_MANY_MACHINES (floating), TOO_MANY_CORES, TOO_MUCH_MEMORY, TOO_MUCH_DISK,
 *     TOO_MANY_PROCESSES, then EXPIRED, then VALID.
 * EXPIRED is `valid: true` under MAINTAIN_ACCESS and ALLOW_ACCESS. A limit exceeded within the
 * policy's overage allowance keeps its code but is `valid: true`, as in Keygen.
 *
 * Where the reference is silent (our choices): memory and disk limits sit right after cores,
 * worded like it; empty strings in list scopes count as absent (so `fingerprint: ""` is
 * FINGERPRINT_SCOPE_EMPTY); environment scopes (EE) and per-user leasing are not modelled.
 */
import { advanceByParts } from './duration.js';

/** Every `meta.code` a validation can answer (keygen-licenses-api.md "Validation codes"). */
export const VALIDATION_CODES = [
  'VALID', 'NOT_FOUND', 'BANNED', 'SUSPENDED', 'EXPIRED', 'OVERDUE',
  'NO_MACHINE', 'NO_MACHINES', 'HEARTBEAT_NOT_STARTED', 'HEARTBEAT_DEAD',
  'TOO_MANY_MACHINES', 'TOO_MANY_CORES', 'TOO_MUCH_MEMORY', 'TOO_MUCH_DISK', 'TOO_MANY_PROCESSES', 'TOO_MANY_USERS',
  'PRODUCT_SCOPE_REQUIRED', 'PRODUCT_SCOPE_MISMATCH', 'POLICY_SCOPE_REQUIRED', 'POLICY_SCOPE_MISMATCH',
  'USER_SCOPE_REQUIRED', 'USER_SCOPE_MISMATCH', 'MACHINE_SCOPE_REQUIRED', 'MACHINE_SCOPE_MISMATCH',
  'FINGERPRINT_SCOPE_REQUIRED', 'FINGERPRINT_SCOPE_MISMATCH', 'FINGERPRINT_SCOPE_EMPTY',
  'COMPONENTS_SCOPE_REQUIRED', 'COMPONENTS_SCOPE_MISMATCH', 'COMPONENTS_SCOPE_EMPTY',
  'ENTITLEMENTS_MISSING', 'ENTITLEMENTS_SCOPE_EMPTY',
  'CHECKSUM_SCOPE_REQUIRED', 'CHECKSUM_SCOPE_MISMATCH', 'VERSION_SCOPE_REQUIRED', 'VERSION_SCOPE_MISMATCH',
] as const;
export type ValidationCode = (typeof VALIDATION_CODES)[number];

export type ExpirationStrategy = 'RESTRICT_ACCESS' | 'REVOKE_ACCESS' | 'MAINTAIN_ACCESS' | 'ALLOW_ACCESS';
export type MatchingStrategy = 'MATCH_ANY' | 'MATCH_TWO' | 'MATCH_MOST' | 'MATCH_ALL';
export type CheckInInterval = 'day' | 'week' | 'month' | 'year';
export type OverageStrategy = 'NO_OVERAGE' | 'ALWAYS_ALLOW_OVERAGE' | 'ALLOW_1_25X_OVERAGE' | 'ALLOW_1_5X_OVERAGE' | 'ALLOW_2X_OVERAGE';
export type ProcessLeasingStrategy = 'PER_MACHINE' | 'PER_LICENSE';
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

/** Keygen's default heartbeat window, in seconds, when the policy sets none. */
export const DEFAULT_HEARTBEAT_DURATION_SECONDS = 600;
const INACTIVE_AFTER_MS = 90 * 86_400_000;
const EXPIRING_WITHIN_MS = 3 * 86_400_000;
const INTERVAL_PART = { day: 'days', week: 'weeks', month: 'months', year: 'years' } as const;

/** The license fields the check-in rules read. */
export type CheckInFields = Pick<ValidationLicense, 'requireCheckIn' | 'lastCheckIn' | 'checkInInterval' | 'checkInIntervalCount'>;

/** The answer for a key or id that matches no license. */
export function notFoundResult(): ValidationResult {
  return { valid: false, code: 'NOT_FOUND', detail: 'does not exist', touches: {} };
}

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

/** Non-empty, de-duplicated values of a list scope (Ruby `Array(x).compact.uniq`, blanks dropped). */
function listScope(values: readonly (string | null)[] | string | null | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return [...new Set(list.filter((value): value is string => typeof value === 'string' && value !== ''))];
}

/** Whether a count over a limit is still allowed by the policy's overage strategy. */
function withinOverage(strategy: OverageStrategy | undefined, count: number, limit: number, nodeLocked = false): boolean {
  switch (strategy ?? 'NO_OVERAGE') {
    case 'ALWAYS_ALLOW_OVERAGE':
      return true;
    case 'ALLOW_1_25X_OVERAGE':
      return !nodeLocked && count <= limit * 1.25;
    case 'ALLOW_1_5X_OVERAGE':
      return !nodeLocked && count <= limit * 1.5;
    case 'ALLOW_2X_OVERAGE':
      return count <= limit * 2;
    case 'NO_OVERAGE':
      return false;
  }
}

/** Whether `matched` of `given` items satisfy a matching strategy (given ≥ 1). */
function matches(strategy: MatchingStrategy, matched: number, given: number): boolean {
  switch (strategy) {
    case 'MATCH_ANY':
      return matched >= 1;
    case 'MATCH_TWO':
      return matched >= 2;
    case 'MATCH_MOST':
      return matched >= Math.ceil(given / 2);
    case 'MATCH_ALL':
      return matched >= given;
  }
}

const MATCH_WORDING: Record<MatchingStrategy, string> = {
  MATCH_ANY: 'any',
  MATCH_TWO: 'at least 2',
  MATCH_MOST: 'enough',
  MATCH_ALL: 'all',
};

const sum = (values: readonly (number | null)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

/**
 * Decides Keygen's `{valid, code, detail}` for a license (see the precedence above), plus what
 * to record on it. Every outcome is a value; it throws only a RangeError for an invalid `now`
 * (a caller bug). NOT_FOUND is `notFoundResult()`, for the caller.
 */
export function validateLicense(input: ValidationInput): ValidationResult {
  const { license, machines, now } = input;
  const touches: { lastValidatedVersion?: string; lastValidatedChecksum?: string } = {};
  const answer = (valid: boolean, code: ValidationCode, detail: string): ValidationResult => ({ valid, code, detail, touches });
  const refuse = (code: ValidationCode, detail: string): ValidationResult => answer(false, code, detail);
  const expired = isExpired(license, now);
  const keepsAccess = license.expirationStrategy === 'MAINTAIN_ACCESS' || license.expirationStrategy === 'ALLOW_ACCESS';

  if (license.owner?.banned === true) return refuse('BANNED', 'is banned');
  if (license.suspended) return refuse('SUSPENDED', 'is suspended');
  // Revoking access on expiry outranks everything below it.
  if (expired && license.expirationStrategy === 'REVOKE_ACCESS') return refuse('EXPIRED', 'is expired');
  if (isCheckInOverdue(license, now)) return refuse('OVERDUE', 'is overdue for check in');

  const licenseUsers = [...(license.owner === null ? [] : [license.owner]), ...license.users.filter((user) => user.id !== license.owner?.id)];
  // The scoped user, by id or email, among the license's owner and licensees.
  let scopedUser: ValidationUser | null = null;

  const scope = input.scope === false ? false : (input.scope ?? {});
  if (scope !== false) {
    const given = (key: keyof ValidationScope): boolean => scope[key] !== undefined;

    if (given('product')) {
      if (scope.product !== license.productId) return refuse('PRODUCT_SCOPE_MISMATCH', 'product scope does not match');
    } else if (license.requireProductScope) return refuse('PRODUCT_SCOPE_REQUIRED', 'product scope is required');

    if (given('policy')) {
      if (scope.policy !== license.policyId) return refuse('POLICY_SCOPE_MISMATCH', 'policy scope does not match');
    } else if (license.requirePolicyScope) return refuse('POLICY_SCOPE_REQUIRED', 'policy scope is required');

    if (given('user')) {
      scopedUser = licenseUsers.find((user) => user.id === scope.user || (user.email !== null && user.email === scope.user)) ?? null;
      if (scopedUser === null) return refuse('USER_SCOPE_MISMATCH', 'user scope does not match');
    } else if (license.requireUserScope) return refuse('USER_SCOPE_REQUIRED', 'user scope is required');
    // A machine owner outside the scoped user fails the user scope (null owner is anyone's).
    const ownedByScopedUser = (machine: ValidationMachine): boolean =>
      scopedUser === null || machine.ownerId === null || machine.ownerId === scopedUser.id;

    if (given('entitlements')) {
      const codes = listScope(scope.entitlements);
      if (codes.length === 0) return refuse('ENTITLEMENTS_SCOPE_EMPTY', 'entitlements scope is empty');
      const held = new Set(license.entitlementCodes);
      if (!codes.every((code) => held.has(code))) return refuse('ENTITLEMENTS_MISSING', 'is missing one or more required entitlements');
    }

    if (given('machine')) {
      if (machines.length === 0) {
        return license.floating
          ? refuse('NO_MACHINES', 'machine is not activated (has no associated machines)')
          : refuse('NO_MACHINE', 'machine is not activated (has no associated machine)');
      }
      const machine = machines.find((candidate) => candidate.id === scope.machine);
      if (machine === undefined) return refuse('MACHINE_SCOPE_MISMATCH', 'machine is not activated (does not match any associated machines)');
      if (!ownedByScopedUser(machine)) return refuse('USER_SCOPE_MISMATCH', 'user scope does not match (does not match associated machine owner)');
      const status = heartbeatStatus(machine, license, now);
      if (license.requireHeartbeat && status === 'NOT_STARTED') return refuse('HEARTBEAT_NOT_STARTED', 'machine heartbeat is required');
      if (status === 'DEAD') return refuse('HEARTBEAT_DEAD', 'machine heartbeat is dead');
    } else if (license.requireMachineScope) return refuse('MACHINE_SCOPE_REQUIRED', 'machine scope is required');

    if (given('fingerprint') || given('fingerprints')) {
      // Keygen reads `fingerprint || fingerprints`: a given single fingerprint wins.
      const fingerprints = listScope(typeof scope.fingerprint === 'string' ? scope.fingerprint : scope.fingerprints);
      if (fingerprints.length === 0) return refuse('FINGERPRINT_SCOPE_EMPTY', 'fingerprint scope is empty');
      if (machines.length === 0) {
        return license.floating
          ? refuse('NO_MACHINES', 'fingerprint is not activated (has no associated machines)')
          : refuse('NO_MACHINE', 'fingerprint is not activated (has no associated machine)');
      }
      const wanted = new Set(fingerprints);
      const matched = machines.filter((machine) => wanted.has(machine.fingerprint));
      const statuses = matched.map((machine) => heartbeatStatus(machine, license, now));
      if (statuses.filter((status) => status === 'DEAD').length === fingerprints.length) {
        return refuse('HEARTBEAT_DEAD', 'machine heartbeat is dead');
      }
      // Keygen's `alive` set includes machines whose heartbeat has not started.
      const alive = matched.filter((_, index) => statuses[index] !== 'DEAD');
      if (fingerprints.length === 1) {
        if (alive.length === 0) return refuse('FINGERPRINT_SCOPE_MISMATCH', 'fingerprint is not activated (does not match any associated machines)');
      } else if (!matches(license.machineMatchingStrategy, alive.length, fingerprints.length)) {
        const wording = MATCH_WORDING[license.machineMatchingStrategy];
        return refuse('FINGERPRINT_SCOPE_MISMATCH', `one or more fingerprint is not activated (does not match ${wording} associated machines)`);
      }
      if (!alive.every(ownedByScopedUser)) return refuse('USER_SCOPE_MISMATCH', 'user scope does not match (does not match associated machine owners)');
      if (license.requireHeartbeat && alive.some((machine) => heartbeatStatus(machine, license, now) === 'NOT_STARTED')) {
        return refuse('HEARTBEAT_NOT_STARTED', 'machine heartbeat is required');
      }
    } else if (license.requireFingerprintScope) return refuse('FINGERPRINT_SCOPE_REQUIRED', 'fingerprint scope is required');

    if (given('components')) {
      // Components match per machine, so exactly one machine must be named by fingerprint.
      if (typeof scope.fingerprint !== 'string' || scope.fingerprint === '') {
        return refuse('FINGERPRINT_SCOPE_REQUIRED', 'fingerprint scope is required when using the components scope');
      }
      const components = listScope(scope.components);
      if (components.length === 0) return refuse('COMPONENTS_SCOPE_EMPTY', 'components scope is empty');
      const machine = machines.find((candidate) => candidate.fingerprint === scope.fingerprint);
      const present = new Set(machine?.components ?? []);
      const matched = components.filter((component) => present.has(component)).length;
      if (!matches(license.componentMatchingStrategy, matched, components.length)) {
        const wording = MATCH_WORDING[license.componentMatchingStrategy];
        return refuse('COMPONENTS_SCOPE_MISMATCH', `one or more component is not activated (does not match ${wording} associated components)`);
      }
    } else if (license.requireComponentsScope) return refuse('COMPONENTS_SCOPE_REQUIRED', 'components scope is required');

    const releases = input.releases ?? [];
    if (given('checksum')) {
      const checksum = scope.checksum;
      const release = typeof checksum === 'string' ? releases.find((candidate) => candidate.checksums.includes(checksum)) : undefined;
      if (release === undefined || typeof checksum !== 'string') {
        return refuse('CHECKSUM_SCOPE_MISMATCH', 'checksum scope is not valid (does not match any accessible artifacts)');
      }
      touches.lastValidatedChecksum = checksum;
      touches.lastValidatedVersion = release.version;
    } else if (license.requireChecksumScope) return refuse('CHECKSUM_SCOPE_REQUIRED', 'checksum scope is required');

    if (given('version')) {
      const release = releases.find((candidate) => candidate.version === scope.version);
      if (release === undefined) return refuse('VERSION_SCOPE_MISMATCH', 'version scope is not valid (does not match any accessible releases)');
      touches.lastValidatedVersion = release.version;
    } else if (license.requireVersionScope) return refuse('VERSION_SCOPE_REQUIRED', 'version scope is required');
  }

  const overage = (count: number, limit: number, nodeLocked = false): boolean => withinOverage(license.overageStrategy, count, limit, nodeLocked);

  if (license.maxUsers !== null && licenseUsers.length > license.maxUsers) {
    return answer(overage(licenseUsers.length, license.maxUsers), 'TOO_MANY_USERS', 'has too many associated users');
  }

  if (license.strict) {
    const count = machines.length;
    if (!license.floating) {
      if (count === 0) return refuse('NO_MACHINE', 'must have exactly 1 associated machine');
      const limit = license.maxMachines ?? 1;
      if (count > limit) return answer(overage(count, limit, true), 'TOO_MANY_MACHINES', 'has too many associated machines');
    } else {
      if (count === 0) return refuse('NO_MACHINES', 'must have at least 1 associated machine');
      if (license.maxMachines !== null && count > license.maxMachines) {
        return answer(overage(count, license.maxMachines), 'TOO_MANY_MACHINES', 'has too many associated machines');
      }
    }

    const limits: readonly [number | null, number, ValidationCode, string][] = [
      [license.maxCores, sum(machines.map((machine) => machine.cores)), 'TOO_MANY_CORES', 'has too many associated machine cores'],
      [license.maxMemory, sum(machines.map((machine) => machine.memory)), 'TOO_MUCH_MEMORY', 'has too much associated machine memory'],
      [license.maxDisk, sum(machines.map((machine) => machine.disk)), 'TOO_MUCH_DISK', 'has too much associated machine disk'],
    ];
    for (const [limit, total, code, detail] of limits) {
      if (limit !== null && total > limit) return answer(overage(total, limit), code, detail);
    }

    const processes = processUsage(input, scope);
    if (processes !== null && processes.count > processes.limit) {
      return answer(overage(processes.count, processes.limit), 'TOO_MANY_PROCESSES', 'has too many associated processes');
    }
  }

  if (expired) return answer(keepsAccess, 'EXPIRED', 'is expired');
  return answer(true, 'VALID', 'is valid');
}

/**
 * Process count and limit as Keygen leases them: per license, all processes against the
 * license's limit; per machine (the default), the scoped machine's processes against its own
 * limit, and nothing to count when no machine is scoped.
 */
function processUsage(input: ValidationInput, scope: ValidationScope | false): { count: number; limit: number } | null {
  const { license, machines, now } = input;
  if (license.maxProcesses === null) return null;
  if (license.processLeasingStrategy === 'PER_LICENSE') {
    return { count: sum(machines.map((machine) => machine.processes ?? 0)), limit: license.maxProcesses };
  }
  if (scope === false) return null;
  const alive = machines.filter((machine) => heartbeatStatus(machine, license, now) !== 'DEAD');
  let machine: ValidationMachine | undefined;
  if (scope.fingerprint !== undefined || scope.fingerprints !== undefined) {
    const wanted = new Set(listScope(typeof scope.fingerprint === 'string' ? scope.fingerprint : scope.fingerprints));
    machine = alive.find((candidate) => wanted.has(candidate.fingerprint));
  } else if (scope.machine !== undefined) {
    machine = alive.find((candidate) => candidate.id === scope.machine);
  }
  if (machine === undefined) return null;
  return { count: machine.processes ?? 0, limit: machine.maxProcesses ?? license.maxProcesses };
}
