/**
 * License validation: one case per code the pure model produces, Keygen's precedence between
 * them, the `status` attribute and the heartbeat/check-in helpers. Clock injected.
 */
import { describe, expect, it } from 'vitest';
import {
  VALIDATION_CODES,
  heartbeatStatus,
  isCheckInOverdue,
  licenseStatus,
  nextCheckIn,
  notFoundResult,
  validateLicense,
  type StatusInput,
  type ValidationCode,
  type ValidationInput,
  type ValidationLicense,
  type ValidationMachine,
  type ValidationResult,
  type ValidationUser,
} from '../../issuer/domain/validation.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0, 0);
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400 * SECOND;

const OWNER: ValidationUser = { id: 'user-owner', email: 'owner@example.com', banned: false };
const LICENSEE: ValidationUser = { id: 'user-licensee', email: 'licensee@example.com', banned: false };

function license(overrides: Partial<ValidationLicense> = {}): ValidationLicense {
  return {
    id: 'license-1',
    productId: 'product-1',
    policyId: 'policy-1',
    owner: OWNER,
    users: [LICENSEE],
    entitlementCodes: ['FEATURE_A', 'FEATURE_B'],
    suspended: false,
    expiry: NOW + 30 * DAY,
    lastCheckIn: null,
    floating: true,
    strict: false,
    maxMachines: 3,
    maxCores: null,
    maxMemory: null,
    maxDisk: null,
    maxProcesses: null,
    maxUsers: null,
    requireCheckIn: false,
    checkInInterval: null,
    checkInIntervalCount: null,
    requireHeartbeat: false,
    heartbeatDuration: null,
    expirationStrategy: 'RESTRICT_ACCESS',
    requireProductScope: false,
    requirePolicyScope: false,
    requireMachineScope: false,
    requireFingerprintScope: false,
    requireComponentsScope: false,
    requireUserScope: false,
    requireChecksumScope: false,
    requireVersionScope: false,
    machineMatchingStrategy: 'MATCH_ANY',
    componentMatchingStrategy: 'MATCH_ANY',
    ...overrides,
  };
}

function machine(n: number, overrides: Partial<ValidationMachine> = {}): ValidationMachine {
  return {
    id: `machine-${n}`,
    fingerprint: `fp-${n}`,
    cores: 4,
    memory: 8 * 2 ** 30,
    disk: 256 * 2 ** 30,
    ownerId: null,
    created: NOW - DAY,
    lastHeartbeat: null,
    components: [`fp-${n}-cpu`, `fp-${n}-disk`, `fp-${n}-board`],
    ...overrides,
  };
}

const validate = (input: Partial<ValidationInput> & { license?: ValidationLicense }): ValidationResult =>
  validateLicense({ machines: [], now: NOW, ...input, license: input.license ?? license() });
const codeOf = (input: Partial<ValidationInput> & { license?: ValidationLicense }): ValidationCode => validate(input).code;

/** Codes exercised below; the last test checks that every code is covered. */
const covered = new Set<ValidationCode>();
function expectResult(result: ValidationResult, code: ValidationCode, valid: boolean, detail?: string): void {
  covered.add(result.code);
  expect(result.code).toBe(code);
  expect(result.valid).toBe(valid);
  if (detail !== undefined) expect(result.detail).toBe(detail);
}

describe('validateLicense: license state', () => {
  it('VALID: "is valid"', () => {
    expectResult(validate({}), 'VALID', true, 'is valid');
  });

  it('NOT_FOUND: "does not exist" (answered by the caller)', () => {
    expectResult(notFoundResult(), 'NOT_FOUND', false, 'does not exist');
  });

  it('BANNED when the owner is banned', () => {
    expectResult(validate({ license: license({ owner: { ...OWNER, banned: true } }) }), 'BANNED', false, 'is banned');
  });

  it('SUSPENDED', () => {
    expectResult(validate({ license: license({ suspended: true }) }), 'SUSPENDED', false, 'is suspended');
  });

  it('EXPIRED is invalid under RESTRICT_ACCESS and REVOKE_ACCESS', () => {
    expectResult(validate({ license: license({ expiry: NOW - 1 }) }), 'EXPIRED', false, 'is expired');
    expectResult(validate({ license: license({ expiry: NOW - 1, expirationStrategy: 'REVOKE_ACCESS' }) }), 'EXPIRED', false);
  });

  it('EXPIRED stays valid under MAINTAIN_ACCESS and ALLOW_ACCESS', () => {
    expectResult(validate({ license: license({ expiry: NOW - 1, expirationStrategy: 'MAINTAIN_ACCESS' }) }), 'EXPIRED', true);
    expectResult(validate({ license: license({ expiry: NOW - 1, expirationStrategy: 'ALLOW_ACCESS' }) }), 'EXPIRED', true);
  });

  it('is not expired at the expiry instant itself, nor without an expiry', () => {
    expectResult(validate({ license: license({ expiry: NOW }) }), 'VALID', true);
    expectResult(validate({ license: license({ expiry: null }) }), 'VALID', true);
  });

  it('OVERDUE when the last check-in is older than the interval (calendar months)', () => {
    const monthly = { requireCheckIn: true, checkInInterval: 'month', checkInIntervalCount: 1 } as const;
    // NOW is June 1: one month back is May 1, not NOW - 2629746 s.
    expectResult(validate({ license: license({ ...monthly, lastCheckIn: Date.UTC(2025, 4, 1, 11, 59) }) }), 'OVERDUE', false, 'is overdue for check in');
    expectResult(validate({ license: license({ ...monthly, lastCheckIn: Date.UTC(2025, 4, 1, 12, 0) }) }), 'VALID', true);
  });
});

describe('validateLicense: scopes', () => {
  it('PRODUCT_SCOPE_REQUIRED / PRODUCT_SCOPE_MISMATCH', () => {
    expectResult(validate({ license: license({ requireProductScope: true }) }), 'PRODUCT_SCOPE_REQUIRED', false, 'product scope is required');
    expectResult(validate({ scope: { product: 'product-2' } }), 'PRODUCT_SCOPE_MISMATCH', false, 'product scope does not match');
    expectResult(validate({ license: license({ requireProductScope: true }), scope: { product: 'product-1' } }), 'VALID', true);
  });

  it('POLICY_SCOPE_REQUIRED / POLICY_SCOPE_MISMATCH', () => {
    expectResult(validate({ license: license({ requirePolicyScope: true }) }), 'POLICY_SCOPE_REQUIRED', false, 'policy scope is required');
    expectResult(validate({ scope: { policy: 'policy-2' } }), 'POLICY_SCOPE_MISMATCH', false, 'policy scope does not match');
  });

  it('USER_SCOPE_REQUIRED / USER_SCOPE_MISMATCH; owner and licensees match by id or email', () => {
    expectResult(validate({ license: license({ requireUserScope: true }) }), 'USER_SCOPE_REQUIRED', false, 'user scope is required');
    expectResult(validate({ scope: { user: 'someone-else' } }), 'USER_SCOPE_MISMATCH', false, 'user scope does not match');
    for (const user of ['user-owner', 'owner@example.com', 'user-licensee', 'licensee@example.com']) {
      expectResult(validate({ scope: { user } }), 'VALID', true);
    }
  });

  it('ENTITLEMENTS_SCOPE_EMPTY / ENTITLEMENTS_MISSING', () => {
    expectResult(validate({ scope: { entitlements: [] } }), 'ENTITLEMENTS_SCOPE_EMPTY', false, 'entitlements scope is empty');
    expectResult(validate({ scope: { entitlements: null } }), 'ENTITLEMENTS_SCOPE_EMPTY', false);
    expectResult(validate({ scope: { entitlements: ['FEATURE_A', 'FEATURE_C'] } }), 'ENTITLEMENTS_MISSING', false, 'is missing one or more required entitlements');
    expectResult(validate({ scope: { entitlements: ['FEATURE_B', 'FEATURE_A', 'FEATURE_A'] } }), 'VALID', true);
  });

  it('MACHINE_SCOPE_REQUIRED / MACHINE_SCOPE_MISMATCH', () => {
    expectResult(validate({ license: license({ requireMachineScope: true }) }), 'MACHINE_SCOPE_REQUIRED', false, 'machine scope is required');
    expectResult(
      validate({ machines: [machine(1)], scope: { machine: 'machine-9' } }),
      'MACHINE_SCOPE_MISMATCH',
      false,
      'machine is not activated (does not match any associated machines)',
    );
    expectResult(validate({ machines: [machine(1)], scope: { machine: 'machine-1' } }), 'VALID', true);
  });

  it('NO_MACHINE / NO_MACHINES for a machine scope on a license with no machines', () => {
    expectResult(
      validate({ license: license({ floating: false, maxMachines: 1 }), scope: { machine: 'machine-1' } }),
      'NO_MACHINE',
      false,
      'machine is not activated (has no associated machine)',
    );
    expectResult(validate({ scope: { machine: 'machine-1' } }), 'NO_MACHINES', false, 'machine is not activated (has no associated machines)');
  });

  it('FINGERPRINT_SCOPE_REQUIRED / FINGERPRINT_SCOPE_EMPTY', () => {
    expectResult(validate({ license: license({ requireFingerprintScope: true }) }), 'FINGERPRINT_SCOPE_REQUIRED', false, 'fingerprint scope is required');
    expectResult(validate({ machines: [machine(1)], scope: { fingerprint: '' } }), 'FINGERPRINT_SCOPE_EMPTY', false, 'fingerprint scope is empty');
    expectResult(validate({ machines: [machine(1)], scope: { fingerprint: null } }), 'FINGERPRINT_SCOPE_EMPTY', false);
    expectResult(validate({ machines: [machine(1)], scope: { fingerprints: [] } }), 'FINGERPRINT_SCOPE_EMPTY', false);
  });

  it('NO_MACHINE / NO_MACHINES for a fingerprint scope on a license with no machines', () => {
    expectResult(
      validate({ license: license({ floating: false, maxMachines: 1 }), scope: { fingerprint: 'fp-1' } }),
      'NO_MACHINE',
      false,
      'fingerprint is not activated (has no associated machine)',
    );
    expectResult(validate({ scope: { fingerprint: 'fp-1' } }), 'NO_MACHINES', false, 'fingerprint is not activated (has no associated machines)');
  });

  it('FINGERPRINT_SCOPE_MISMATCH for an unknown fingerprint', () => {
    expectResult(
      validate({ machines: [machine(1)], scope: { fingerprint: 'fp-9' } }),
      'FINGERPRINT_SCOPE_MISMATCH',
      false,
      'fingerprint is not activated (does not match any associated machines)',
    );
    expectResult(validate({ machines: [machine(1)], scope: { fingerprint: 'fp-1' } }), 'VALID', true);
  });

  it('FINGERPRINT_SCOPE_MISMATCH follows the machine matching strategy for several fingerprints', () => {
    const machines = [machine(1), machine(2), machine(3)];
    const scope = { fingerprints: ['fp-1', 'fp-2', 'fp-8', 'fp-9'] };
    const run = (strategy: ValidationLicense['machineMatchingStrategy'], fingerprints = scope.fingerprints) =>
      validate({ license: license({ machineMatchingStrategy: strategy }), machines, scope: { fingerprints } });
    expectResult(run('MATCH_ANY'), 'VALID', true);
    expectResult(run('MATCH_ANY', ['fp-8', 'fp-9']), 'FINGERPRINT_SCOPE_MISMATCH', false, 'one or more fingerprint is not activated (does not match any associated machines)');
    expectResult(run('MATCH_TWO'), 'VALID', true);
    expectResult(run('MATCH_TWO', ['fp-1', 'fp-9']), 'FINGERPRINT_SCOPE_MISMATCH', false, 'one or more fingerprint is not activated (does not match at least 2 associated machines)');
    expectResult(run('MATCH_MOST'), 'VALID', true);
    expectResult(run('MATCH_MOST', ['fp-1', 'fp-7', 'fp-8', 'fp-9']), 'FINGERPRINT_SCOPE_MISMATCH', false, 'one or more fingerprint is not activated (does not match enough associated machines)');
    expectResult(run('MATCH_ALL'), 'FINGERPRINT_SCOPE_MISMATCH', false, 'one or more fingerprint is not activated (does not match all associated machines)');
    expectResult(run('MATCH_ALL', ['fp-1', 'fp-2', 'fp-3']), 'VALID', true);
  });

  it('USER_SCOPE_MISMATCH when the scoped machine belongs to another user', () => {
    const owned = machine(1, { ownerId: 'user-licensee' });
    expectResult(
      validate({ machines: [owned], scope: { user: 'user-owner', machine: 'machine-1' } }),
      'USER_SCOPE_MISMATCH',
      false,
      'user scope does not match (does not match associated machine owner)',
    );
    expectResult(
      validate({ machines: [owned], scope: { user: 'user-owner', fingerprint: 'fp-1' } }),
      'USER_SCOPE_MISMATCH',
      false,
      'user scope does not match (does not match associated machine owners)',
    );
    expectResult(validate({ machines: [owned], scope: { user: 'licensee@example.com', fingerprint: 'fp-1' } }), 'VALID', true);
    expectResult(validate({ machines: [machine(1)], scope: { user: 'user-owner', machine: 'machine-1' } }), 'VALID', true);
  });

  it('COMPONENTS_SCOPE_REQUIRED / COMPONENTS_SCOPE_EMPTY / COMPONENTS_SCOPE_MISMATCH', () => {
    const machines = [machine(1)];
    expectResult(
      validate({ license: license({ requireComponentsScope: true }), machines, scope: { fingerprint: 'fp-1' } }),
      'COMPONENTS_SCOPE_REQUIRED',
      false,
      'components scope is required',
    );
    expectResult(validate({ machines, scope: { fingerprint: 'fp-1', components: [] } }), 'COMPONENTS_SCOPE_EMPTY', false, 'components scope is empty');
    expectResult(
      validate({ machines, scope: { fingerprint: 'fp-1', components: ['other-cpu'] } }),
      'COMPONENTS_SCOPE_MISMATCH',
      false,
      'one or more component is not activated (does not match any associated components)',
    );
    expectResult(validate({ machines, scope: { fingerprint: 'fp-1', components: ['fp-1-cpu', 'other'] } }), 'VALID', true);
  });

  it('components follow the component matching strategy', () => {
    const machines = [machine(1)];
    const run = (strategy: ValidationLicense['componentMatchingStrategy'], components: string[]) =>
      validate({ license: license({ componentMatchingStrategy: strategy }), machines, scope: { fingerprint: 'fp-1', components } });
    expectResult(run('MATCH_TWO', ['fp-1-cpu', 'x']), 'COMPONENTS_SCOPE_MISMATCH', false, 'one or more component is not activated (does not match at least 2 associated components)');
    expectResult(run('MATCH_TWO', ['fp-1-cpu', 'fp-1-disk', 'x']), 'VALID', true);
    expectResult(run('MATCH_MOST', ['fp-1-cpu', 'x', 'y']), 'COMPONENTS_SCOPE_MISMATCH', false, 'one or more component is not activated (does not match enough associated components)');
    expectResult(run('MATCH_MOST', ['fp-1-cpu', 'fp-1-disk', 'y']), 'VALID', true);
    expectResult(run('MATCH_ALL', ['fp-1-cpu', 'fp-1-disk', 'y']), 'COMPONENTS_SCOPE_MISMATCH', false, 'one or more component is not activated (does not match all associated components)');
  });

  it('FINGERPRINT_SCOPE_REQUIRED when components are given without a single fingerprint', () => {
    expectResult(
      validate({ machines: [machine(1)], scope: { components: ['fp-1-cpu'] } }),
      'FINGERPRINT_SCOPE_REQUIRED',
      false,
      'fingerprint scope is required when using the components scope',
    );
  });

  it('CHECKSUM_SCOPE_REQUIRED / CHECKSUM_SCOPE_MISMATCH, and the validated version is recorded', () => {
    const releases = [{ version: '2.0.0', checksums: ['sha-2'] }, { version: '1.0.0', checksums: ['sha-1'] }];
    expectResult(validate({ license: license({ requireChecksumScope: true }) }), 'CHECKSUM_SCOPE_REQUIRED', false, 'checksum scope is required');
    expectResult(
      validate({ releases, scope: { checksum: 'sha-9' } }),
      'CHECKSUM_SCOPE_MISMATCH',
      false,
      'checksum scope is not valid (does not match any accessible artifacts)',
    );
    const valid = validate({ releases, scope: { checksum: 'sha-1' } });
    expectResult(valid, 'VALID', true);
    expect(valid.touches).toEqual({ lastValidatedChecksum: 'sha-1', lastValidatedVersion: '1.0.0' });
  });

  it('VERSION_SCOPE_REQUIRED / VERSION_SCOPE_MISMATCH', () => {
    const releases = [{ version: '1.0.0', checksums: [] }];
    expectResult(validate({ license: license({ requireVersionScope: true }) }), 'VERSION_SCOPE_REQUIRED', false, 'version scope is required');
    expectResult(
      validate({ releases, scope: { version: '9.9.9' } }),
      'VERSION_SCOPE_MISMATCH',
      false,
      'version scope is not valid (does not match any accessible releases)',
    );
    const valid = validate({ releases, scope: { version: '1.0.0' } });
    expectResult(valid, 'VALID', true);
    expect(valid.touches).toEqual({ lastValidatedVersion: '1.0.0' });
  });

  it('the quick validation (scope: false) skips every scope requirement', () => {
    const strictScopes = license({ requireProductScope: true, requireFingerprintScope: true, requireVersionScope: true });
    expectResult(validate({ license: strictScopes, scope: false }), 'VALID', true);
    expectResult(validate({ license: strictScopes }), 'PRODUCT_SCOPE_REQUIRED', false);
  });
});

describe('validateLicense: heartbeats', () => {
  const heartbeat = { requireHeartbeat: true, heartbeatDuration: 600 } as const;

  it('HEARTBEAT_NOT_STARTED for a new machine that has not pinged yet', () => {
    const fresh = machine(1, { created: NOW - MINUTE });
    expectResult(validate({ license: license(heartbeat), machines: [fresh], scope: { fingerprint: 'fp-1' } }), 'HEARTBEAT_NOT_STARTED', false, 'machine heartbeat is required');
    expectResult(validate({ license: license(heartbeat), machines: [fresh], scope: { machine: 'machine-1' } }), 'HEARTBEAT_NOT_STARTED', false);
    // Without a required heartbeat, a machine that never pinged is fine.
    expectResult(validate({ machines: [fresh], scope: { fingerprint: 'fp-1' } }), 'VALID', true);
  });

  it('HEARTBEAT_DEAD once the last ping is older than the heartbeat duration', () => {
    const lapsed = machine(1, { lastHeartbeat: NOW - 601 * SECOND });
    expectResult(validate({ license: license(heartbeat), machines: [lapsed], scope: { fingerprint: 'fp-1' } }), 'HEARTBEAT_DEAD', false, 'machine heartbeat is dead');
    expectResult(validate({ license: license(heartbeat), machines: [lapsed], scope: { machine: 'machine-1' } }), 'HEARTBEAT_DEAD', false, 'machine heartbeat is dead');
    const alive = machine(1, { lastHeartbeat: NOW - 600 * SECOND });
    expectResult(validate({ license: license(heartbeat), machines: [alive], scope: { fingerprint: 'fp-1' } }), 'VALID', true);
  });

  it('HEARTBEAT_DEAD for a required heartbeat never started within the window of creation', () => {
    const late = machine(1, { created: NOW - 11 * MINUTE });
    expectResult(validate({ license: license(heartbeat), machines: [late], scope: { fingerprint: 'fp-1' } }), 'HEARTBEAT_DEAD', false);
  });

  it('a dead machine among several fingerprints counts as not matching', () => {
    const machines = [machine(1, { lastHeartbeat: NOW - DAY }), machine(2, { lastHeartbeat: NOW - MINUTE })];
    const result = validate({ license: license({ ...heartbeat, machineMatchingStrategy: 'MATCH_ALL' }), machines, scope: { fingerprints: ['fp-1', 'fp-2'] } });
    expectResult(result, 'FINGERPRINT_SCOPE_MISMATCH', false);
  });

  it('heartbeatStatus follows Keygen: NOT_STARTED, ALIVE, DEAD; default window 600 s', () => {
    const policy = { requireHeartbeat: true, heartbeatDuration: null };
    expect(heartbeatStatus({ created: NOW - 600 * SECOND, lastHeartbeat: null }, policy, NOW)).toBe('NOT_STARTED');
    expect(heartbeatStatus({ created: NOW - 601 * SECOND, lastHeartbeat: null }, policy, NOW)).toBe('DEAD');
    expect(heartbeatStatus({ created: NOW - DAY, lastHeartbeat: null }, { ...policy, requireHeartbeat: false }, NOW)).toBe('NOT_STARTED');
    expect(heartbeatStatus({ created: NOW - DAY, lastHeartbeat: NOW - 599 * SECOND }, policy, NOW)).toBe('ALIVE');
    expect(heartbeatStatus({ created: NOW - DAY, lastHeartbeat: NOW - 601 * SECOND }, { ...policy, requireHeartbeat: false }, NOW)).toBe('DEAD');
  });
});

describe('validateLicense: strict policies and limits', () => {
  const strict = (overrides: Partial<ValidationLicense> = {}) => license({ strict: true, ...overrides });

  it('a non-strict policy ignores machine requirements', () => {
    expectResult(validate({ license: license({ maxMachines: 1 }), machines: [machine(1), machine(2)] }), 'VALID', true);
  });

  it('NO_MACHINE: a strict node-locked license must have exactly 1 machine', () => {
    expectResult(validate({ license: strict({ floating: false, maxMachines: 1 }) }), 'NO_MACHINE', false, 'must have exactly 1 associated machine');
    expectResult(validate({ license: strict({ floating: false, maxMachines: 1 }), machines: [machine(1)] }), 'VALID', true);
  });

  it('NO_MACHINES: a strict floating license must have at least 1 machine', () => {
    expectResult(validate({ license: strict() }), 'NO_MACHINES', false, 'must have at least 1 associated machine');
  });

  it('TOO_MANY_MACHINES, node-locked and floating', () => {
    expectResult(
      validate({ license: strict({ floating: false, maxMachines: 1 }), machines: [machine(1), machine(2)] }),
      'TOO_MANY_MACHINES',
      false,
      'has too many associated machines',
    );
    expectResult(validate({ license: strict({ maxMachines: 2 }), machines: [machine(1), machine(2), machine(3)] }), 'TOO_MANY_MACHINES', false);
    expectResult(validate({ license: strict({ maxMachines: null }), machines: [machine(1), machine(2), machine(3)] }), 'VALID', true);
  });

  it('an overage allowance keeps the code but stays valid', () => {
    const four = [machine(1), machine(2), machine(3), machine(4), machine(5)];
    expectResult(validate({ license: strict({ maxMachines: 4, overageStrategy: 'ALLOW_1_25X_OVERAGE' }), machines: four }), 'TOO_MANY_MACHINES', true);
    expectResult(validate({ license: strict({ maxMachines: 3, overageStrategy: 'ALLOW_1_25X_OVERAGE' }), machines: four }), 'TOO_MANY_MACHINES', false);
    expectResult(validate({ license: strict({ maxMachines: 3, overageStrategy: 'ALWAYS_ALLOW_OVERAGE' }), machines: four }), 'TOO_MANY_MACHINES', true);
    // Node-locked licenses only honour 2x (and always) overage.
    const nodeLocked = { floating: false, maxMachines: 1 } as const;
    expectResult(validate({ license: strict({ ...nodeLocked, overageStrategy: 'ALLOW_1_5X_OVERAGE' }), machines: [machine(1), machine(2)] }), 'TOO_MANY_MACHINES', false);
    expectResult(validate({ license: strict({ ...nodeLocked, overageStrategy: 'ALLOW_2X_OVERAGE' }), machines: [machine(1), machine(2)] }), 'TOO_MANY_MACHINES', true);
  });

  it('TOO_MANY_CORES sums cores across machines', () => {
    expectResult(validate({ license: strict({ maxCores: 7 }), machines: [machine(1), machine(2)] }), 'TOO_MANY_CORES', false, 'has too many associated machine cores');
    expectResult(validate({ license: strict({ maxCores: 8 }), machines: [machine(1), machine(2)] }), 'VALID', true);
  });

  it('TOO_MUCH_MEMORY sums memory across machines', () => {
    expectResult(validate({ license: strict({ maxMemory: 16 * 2 ** 30 - 1 }), machines: [machine(1), machine(2)] }), 'TOO_MUCH_MEMORY', false, 'has too much associated machine memory');
  });

  it('TOO_MUCH_DISK sums disk across machines', () => {
    expectResult(validate({ license: strict({ maxDisk: 2 ** 30 }), machines: [machine(1)] }), 'TOO_MUCH_DISK', false, 'has too much associated machine disk');
  });

  it('TOO_MANY_PROCESSES per machine (for the scoped machine) and per license', () => {
    const machines = [machine(1, { processes: 3 }), machine(2, { processes: 2 })];
    expectResult(
      validate({ license: strict({ maxProcesses: 2 }), machines, scope: { fingerprint: 'fp-1' } }),
      'TOO_MANY_PROCESSES',
      false,
      'has too many associated processes',
    );
    expectResult(validate({ license: strict({ maxProcesses: 2 }), machines, scope: { machine: 'machine-2' } }), 'VALID', true);
    expectResult(validate({ license: strict({ maxProcesses: 2 }), machines: [machine(1, { processes: 3, maxProcesses: 5 })], scope: { fingerprint: 'fp-1' } }), 'VALID', true);
    expectResult(validate({ license: strict({ maxProcesses: 2 }), machines }), 'VALID', true);
    expectResult(validate({ license: strict({ maxProcesses: 4, processLeasingStrategy: 'PER_LICENSE' }), machines }), 'TOO_MANY_PROCESSES', false);
  });

  it('TOO_MANY_USERS counts the owner and licensees, strict or not', () => {
    expectResult(validate({ license: license({ maxUsers: 1 }) }), 'TOO_MANY_USERS', false, 'has too many associated users');
    expectResult(validate({ license: license({ maxUsers: 2 }) }), 'VALID', true);
    expectResult(validate({ license: license({ maxUsers: 1, overageStrategy: 'ALLOW_2X_OVERAGE' }) }), 'TOO_MANY_USERS', true);
  });
});

describe('validateLicense precedence', () => {
  const everythingWrong = license({
    owner: { ...OWNER, banned: true },
    suspended: true,
    expiry: NOW - DAY,
    expirationStrategy: 'REVOKE_ACCESS',
    requireCheckIn: true,
    checkInInterval: 'day',
    checkInIntervalCount: 1,
    lastCheckIn: NOW - 2 * DAY,
    requireProductScope: true,
    strict: true,
  });

  it('BANNED > SUSPENDED > EXPIRED (revoke) > OVERDUE > scopes', () => {
    expect(codeOf({ license: everythingWrong })).toBe('BANNED');
    expect(codeOf({ license: { ...everythingWrong, owner: OWNER } })).toBe('SUSPENDED');
    expect(codeOf({ license: { ...everythingWrong, owner: OWNER, suspended: false } })).toBe('EXPIRED');
    expect(codeOf({ license: { ...everythingWrong, owner: OWNER, suspended: false, expiry: null } })).toBe('OVERDUE');
    expect(codeOf({ license: { ...everythingWrong, owner: OWNER, suspended: false, expiry: null, lastCheckIn: NOW } })).toBe('PRODUCT_SCOPE_REQUIRED');
  });

  it('without REVOKE_ACCESS, EXPIRED comes last: scope and machine failures win', () => {
    const expired = license({ expiry: NOW - DAY, strict: true, requireProductScope: true });
    expect(codeOf({ license: expired })).toBe('PRODUCT_SCOPE_REQUIRED');
    expect(codeOf({ license: expired, scope: { product: 'product-1' } })).toBe('NO_MACHINES');
    expect(codeOf({ license: expired, scope: { product: 'product-1' }, machines: [machine(1)] })).toBe('EXPIRED');
    expect(codeOf({ license: { ...expired, expirationStrategy: 'REVOKE_ACCESS' } })).toBe('EXPIRED');
  });

  it('scopes in order: product > policy > user > entitlements > machine > fingerprint > components > checksum > version', () => {
    const scope = {
      product: 'x',
      policy: 'x',
      user: 'x',
      entitlements: ['X'],
      machine: 'x',
      fingerprint: 'x',
      components: ['x'],
      checksum: 'x',
      version: 'x',
    };
    const order: ValidationCode[] = [
      'PRODUCT_SCOPE_MISMATCH',
      'POLICY_SCOPE_MISMATCH',
      'USER_SCOPE_MISMATCH',
      'ENTITLEMENTS_MISSING',
      'MACHINE_SCOPE_MISMATCH',
      'FINGERPRINT_SCOPE_MISMATCH',
      'COMPONENTS_SCOPE_MISMATCH',
      'CHECKSUM_SCOPE_MISMATCH',
      'VERSION_SCOPE_MISMATCH',
    ];
    const fixes = [
      { product: 'product-1' },
      { policy: 'policy-1' },
      { user: 'user-owner' },
      { entitlements: ['FEATURE_A'] },
      { machine: 'machine-1' },
      { fingerprint: 'fp-1' },
      { components: ['fp-1-cpu'] },
      { checksum: 'sha-1' },
      { version: '1.0.0' },
    ];
    let current: Record<string, unknown> = { ...scope };
    const releases = [{ version: '1.0.0', checksums: ['sha-1'] }];
    for (const [index, code] of order.entries()) {
      expect(codeOf({ machines: [machine(1)], releases, scope: current })).toBe(code);
      current = { ...current, ...fixes[index] };
    }
    expect(codeOf({ machines: [machine(1)], releases, scope: current })).toBe('VALID');
  });

  it('a scope mismatch outranks strict machine limits, and TOO_MANY_USERS outranks them too', () => {
    const crowded = license({ strict: true, maxMachines: 1, maxUsers: 1 });
    const machines = [machine(1), machine(2)];
    expect(codeOf({ license: crowded, machines, scope: { fingerprint: 'fp-9' } })).toBe('FINGERPRINT_SCOPE_MISMATCH');
    expect(codeOf({ license: crowded, machines, scope: { fingerprint: 'fp-1' } })).toBe('TOO_MANY_USERS');
    expect(codeOf({ license: { ...crowded, maxUsers: null }, machines, scope: { fingerprint: 'fp-1' } })).toBe('TOO_MANY_MACHINES');
  });

  it('machines > cores > memory > disk > processes', () => {
    const all = license({ strict: true, maxMachines: 1, maxCores: 1, maxMemory: 1, maxDisk: 1, maxProcesses: 0 });
    const machines = [machine(1, { processes: 1 }), machine(2, { processes: 1 })];
    const scope = { fingerprint: 'fp-1' };
    expect(codeOf({ license: all, machines, scope })).toBe('TOO_MANY_MACHINES');
    expect(codeOf({ license: { ...all, maxMachines: null }, machines, scope })).toBe('TOO_MANY_CORES');
    expect(codeOf({ license: { ...all, maxMachines: null, maxCores: null }, machines, scope })).toBe('TOO_MUCH_MEMORY');
    expect(codeOf({ license: { ...all, maxMachines: null, maxCores: null, maxMemory: null }, machines, scope })).toBe('TOO_MUCH_DISK');
    expect(codeOf({ license: { ...all, maxMachines: null, maxCores: null, maxMemory: null, maxDisk: null }, machines, scope })).toBe('TOO_MANY_PROCESSES');
  });

  it('NO_MACHINE from a fingerprint scope comes before FINGERPRINT_SCOPE_MISMATCH and strict checks', () => {
    expect(codeOf({ license: license({ strict: true, floating: false, maxMachines: 1 }), scope: { fingerprint: 'fp-1' } })).toBe('NO_MACHINE');
  });

  it('answers every validation code the model can produce', () => {
    expect([...VALIDATION_CODES].filter((code) => !covered.has(code))).toEqual([]);
  });
});

describe('check-in helpers', () => {
  const weekly = license({ requireCheckIn: true, checkInInterval: 'week', checkInIntervalCount: 2, lastCheckIn: NOW - 14 * DAY });

  it('is overdue only strictly after the interval, and never without a first check-in', () => {
    expect(isCheckInOverdue(weekly, NOW)).toBe(false);
    expect(isCheckInOverdue(weekly, NOW + 1)).toBe(true);
    expect(isCheckInOverdue({ ...weekly, lastCheckIn: null }, NOW + 365 * DAY)).toBe(false);
    expect(isCheckInOverdue({ ...weekly, requireCheckIn: false }, NOW + 365 * DAY)).toBe(false);
  });

  it('nextCheckIn adds the interval on the calendar', () => {
    expect(nextCheckIn(weekly)).toBe(NOW);
    const yearly = license({ requireCheckIn: true, checkInInterval: 'year', checkInIntervalCount: 1, lastCheckIn: Date.UTC(2024, 1, 29) });
    expect(nextCheckIn(yearly)).toBe(Date.UTC(2025, 1, 28));
    expect(nextCheckIn(license())).toBeNull();
  });
});

describe('licenseStatus', () => {
  const base: StatusInput = { owner: OWNER, suspended: false, expiry: NOW + 30 * DAY, created: NOW - 10 * DAY, lastValidated: null, lastCheckOut: null, lastCheckIn: null };

  it('BANNED > SUSPENDED > EXPIRED > EXPIRING > INACTIVE > ACTIVE', () => {
    const old = { ...base, created: NOW - 100 * DAY };
    expect(licenseStatus({ ...old, owner: { banned: true }, suspended: true, expiry: NOW - 1 }, NOW)).toBe('BANNED');
    expect(licenseStatus({ ...old, suspended: true, expiry: NOW - 1 }, NOW)).toBe('SUSPENDED');
    expect(licenseStatus({ ...old, expiry: NOW - 1 }, NOW)).toBe('EXPIRED');
    expect(licenseStatus({ ...old, expiry: NOW + 3 * DAY - 1 }, NOW)).toBe('EXPIRING');
    expect(licenseStatus(old, NOW)).toBe('INACTIVE');
    expect(licenseStatus(base, NOW)).toBe('ACTIVE');
  });

  it('EXPIRING is strictly within the next 3 days', () => {
    expect(licenseStatus({ ...base, expiry: NOW + 3 * DAY }, NOW)).toBe('ACTIVE');
    expect(licenseStatus({ ...base, expiry: NOW + 1 }, NOW)).toBe('EXPIRING');
  });

  it('any activity within 90 days keeps an old license ACTIVE', () => {
    const old = { ...base, created: NOW - 200 * DAY };
    expect(licenseStatus({ ...old, lastValidated: NOW - 90 * DAY }, NOW)).toBe('ACTIVE');
    expect(licenseStatus({ ...old, lastCheckOut: NOW - 10 * DAY }, NOW)).toBe('ACTIVE');
    expect(licenseStatus({ ...old, lastCheckIn: NOW - DAY }, NOW)).toBe('ACTIVE');
    expect(licenseStatus({ ...old, lastValidated: NOW - 90 * DAY - 1 }, NOW)).toBe('INACTIVE');
    expect(licenseStatus({ ...old, owner: null, expiry: null }, NOW)).toBe('INACTIVE');
  });
});
