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
 * FINGERPRINT_SCOPE_EMPTY); environment scopes (EE) and per-user machine leasing are not
 * modelled (per-user process leasing is).
 */
import { heartbeatStatus, isCheckInOverdue, isExpired } from './license-status.js';
import { withinOverage } from './overage.js';
import type {
  MatchingStrategy,
  ValidationCode,
  ValidationInput,
  ValidationMachine,
  ValidationResult,
  ValidationScope,
  ValidationUser,
} from './validation.types.js';

export * from './validation.types.js';
export * from './license-status.js';

/** The answer for a key or id that matches no license. */
export function notFoundResult(): ValidationResult {
  return { valid: false, code: 'NOT_FOUND', detail: 'does not exist', touches: {} };
}

/** Non-empty, de-duplicated values of a list scope (Ruby `Array(x).compact.uniq`, blanks dropped). */
function listScope(values: readonly (string | null)[] | string | null | undefined): string[] {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  return [...new Set(list.filter((value): value is string => typeof value === 'string' && value !== ''))];
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

    const processes = processUsage(input, scope, scopedUser);
    if (processes !== null && processes.count > processes.limit) {
      return answer(overage(processes.count, processes.limit), 'TOO_MANY_PROCESSES', 'has too many associated processes');
    }
  }

  if (expired) return answer(keepsAccess, 'EXPIRED', 'is expired');
  return answer(true, 'VALID', 'is valid');
}

/**
 * Process count and limit as Keygen leases them: per license, all processes against the
 * license's limit; per user, the processes on machines of the scoped user (of no owner without
 * a user scope) against the license's limit; per machine (the default), the scoped machine's
 * processes against its own limit, and nothing to count when no machine is scoped.
 */
function processUsage(input: ValidationInput, scope: ValidationScope | false, scopedUser: ValidationUser | null): { count: number; limit: number } | null {
  const { license, machines, now } = input;
  if (license.maxProcesses === null) return null;
  const processesOf = (counted: readonly ValidationMachine[]): number => sum(counted.map((machine) => machine.processes ?? 0));
  if (license.processLeasingStrategy === 'PER_LICENSE') return { count: processesOf(machines), limit: license.maxProcesses };
  if (license.processLeasingStrategy === 'PER_USER') {
    // Keygen's "nil owner is significant": without a user scope, ownerless machines are counted.
    const owner = scopedUser?.id ?? null;
    return { count: processesOf(machines.filter((machine) => machine.ownerId === owner)), limit: license.maxProcesses };
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
