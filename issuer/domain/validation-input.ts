/**
 * Adapts the issuer's rows to the narrow input of `validateLicense`: the license with its
 * policy's settings folded in (effective limits, strategies, required scopes), its owner and
 * licensees, its entitlement codes, and its machines with their components and process counts.
 *
 * Where the policy model has no counterpart in validation (Keygen's PER_USER machine leasing,
 * an unknown strategy string), the validation default applies. The issuer hosts no releases, so
 * the checksum and version scopes never match (Keygen answers the same for a product without
 * distribution).
 */
import type { Store } from '../db/store.js';
import { effectiveLimits } from './license-facts.js';
import { policyRules } from './policy-rules.js';
import type { License, Machine, Policy, User } from './types.js';
import type {
  CheckInInterval,
  ExpirationStrategy,
  MatchingStrategy,
  OverageStrategy,
  ProcessLeasingStrategy,
  ValidationInput,
  ValidationLicense,
  ValidationMachine,
  ValidationScope,
  ValidationUser,
} from './validation.types.js';

const EXPIRATION_STRATEGIES: readonly ExpirationStrategy[] = ['RESTRICT_ACCESS', 'REVOKE_ACCESS', 'MAINTAIN_ACCESS', 'ALLOW_ACCESS'];
const MATCHING_STRATEGIES: readonly MatchingStrategy[] = ['MATCH_ANY', 'MATCH_TWO', 'MATCH_MOST', 'MATCH_ALL'];
const OVERAGE_STRATEGIES: readonly OverageStrategy[] = ['NO_OVERAGE', 'ALWAYS_ALLOW_OVERAGE', 'ALLOW_1_25X_OVERAGE', 'ALLOW_1_5X_OVERAGE', 'ALLOW_2X_OVERAGE'];
const PROCESS_LEASING: readonly ProcessLeasingStrategy[] = ['PER_MACHINE', 'PER_LICENSE', 'PER_USER'];
const CHECK_IN_INTERVALS: readonly CheckInInterval[] = ['day', 'week', 'month', 'year'];

/** The value when it is one of `allowed`, else `fallback` (policy attributes are stored as free text). */
function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}

/** Like `oneOf`, with no fallback. */
function oneOfOrNull<T extends string>(value: unknown, allowed: readonly T[]): T | null {
  return allowed.find((candidate) => candidate === value) ?? null;
}

function toValidationUser(user: User): ValidationUser {
  return { id: user.id, email: user.email, banned: user.bannedAt !== null };
}

/** The license as validation sees it: its row, its policy's rules and its limits. */
export function toValidationLicense(store: Store, license: License, policy: Policy): ValidationLicense {
  const rules = policyRules(policy);
  const limits = effectiveLimits(license, rules);
  const a = policy.attributes;
  const owner = license.ownerId === null ? null : store.users.findById(license.accountId, license.ownerId);
  return {
    id: license.id,
    productId: license.productId,
    policyId: license.policyId,
    owner: owner === null ? null : toValidationUser(owner),
    users: store.users.licensees(license.accountId, license.id).map(toValidationUser),
    entitlementCodes: store.entitlements.codesForLicense(license.id),
    suspended: license.suspended,
    expiry: license.expiry,
    lastCheckIn: license.lastCheckInAt,
    floating: rules.floating,
    strict: rules.strict,
    maxMachines: limits.maxMachines,
    maxCores: limits.maxCores,
    maxMemory: limits.maxMemory,
    maxDisk: limits.maxDisk,
    maxProcesses: limits.maxProcesses,
    maxUsers: limits.maxUsers,
    overageStrategy: oneOf(a.overageStrategy, OVERAGE_STRATEGIES, 'NO_OVERAGE'),
    processLeasingStrategy: oneOf(a.processLeasingStrategy, PROCESS_LEASING, 'PER_MACHINE'),
    requireCheckIn: rules.requireCheckIn,
    checkInInterval: oneOfOrNull(rules.checkInInterval, CHECK_IN_INTERVALS),
    checkInIntervalCount: rules.checkInIntervalCount,
    requireHeartbeat: rules.requireHeartbeat,
    heartbeatDuration: rules.heartbeatDuration,
    expirationStrategy: oneOf(rules.expirationStrategy, EXPIRATION_STRATEGIES, 'RESTRICT_ACCESS'),
    requireProductScope: a.requireProductScope === true,
    requirePolicyScope: a.requirePolicyScope === true,
    requireMachineScope: a.requireMachineScope === true,
    requireFingerprintScope: a.requireFingerprintScope === true,
    requireComponentsScope: a.requireComponentsScope === true,
    requireUserScope: a.requireUserScope === true,
    requireChecksumScope: a.requireChecksumScope === true,
    requireVersionScope: a.requireVersionScope === true,
    machineMatchingStrategy: oneOf(a.machineMatchingStrategy, MATCHING_STRATEGIES, 'MATCH_ANY'),
    componentMatchingStrategy: oneOf(a.componentMatchingStrategy, MATCHING_STRATEGIES, 'MATCH_ANY'),
  };
}

function toValidationMachine(store: Store, machine: Machine, processes: ReadonlyMap<string, number>): ValidationMachine {
  return {
    id: machine.id,
    fingerprint: machine.fingerprint,
    cores: machine.cores,
    memory: machine.memory,
    disk: machine.disk,
    ownerId: machine.ownerId,
    created: machine.createdAt,
    lastHeartbeat: machine.lastHeartbeatAt,
    components: store.machines.componentFingerprints(machine.id),
    processes: processes.get(machine.id) ?? 0,
    maxProcesses: machine.maxProcessesOverride,
  };
}

/**
 * Everything `validateLicense` needs for one license at `now`. Call it after culling dead
 * machines, so that the machines it loads are the ones Keygen would count.
 */
export function loadValidationInput(store: Store, license: License, policy: Policy, scope: ValidationScope | false, now: number): ValidationInput {
  const processes = store.machines.processCounts(license.id);
  return {
    license: toValidationLicense(store, license, policy),
    machines: store.machines.allForLicense(license.id).map((machine) => toValidationMachine(store, machine, processes)),
    releases: [],
    scope,
    now,
  };
}
