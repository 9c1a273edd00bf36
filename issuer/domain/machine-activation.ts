/**
 * Activation (`POST /machines`) and machine updates, after Keygen's `MachinesController` and
 * `Machine` model: cull the license's dead machines first (Keygen's monitor would have), run
 * every validation, and write the machine with its components in one transaction. Failures
 * come back as values, in Keygen's order, for the route to answer 422.
 */
import type { MachineChanges, NewComponent, NewMachine } from '../db/machines.repo.js';
import type { Store } from '../db/store.js';
import type { TokenTally } from '../db/tokens.repo.js';
import { cullDeadMachines } from './culling.js';
import { heartbeatRules, initialHeartbeat } from './heartbeat.js';
import { invalidAttribute, type Invalid } from './invalid.js';
import { checkMetadata } from './license-checks.js';
import { checkComponents, checkFingerprint, checkNewId, checkResources, uniquenessStrategy, type MachineLookups } from './machine-checks.js';
import { checkMachineCount, checkResourceTotals, machineLimits } from './machine-limits.js';
import type { License, Machine, Policy, Token } from './types.js';

/** A validated activation request (attributes and components), keys already camelCased. */
export interface Activation extends NewMachine {
  readonly components: readonly NewComponent[];
}

/**
 * The outcome of an activation or update: the machine, or Keygen's 422 failures. `resource` is
 * `tokens` when the license token refused the write (Keygen renders the token's errors then).
 */
export type MachineWrite =
  | { readonly ok: true; readonly machine: Machine }
  | { readonly ok: false; readonly failures: readonly Invalid[]; readonly resource?: 'tokens' };

/**
 * Keygen's failure for a license token whose activation or deactivation limit is reached:
 * `ACTIVATIONS_LIMIT_EXCEEDED` / `DEACTIVATIONS_LIMIT_EXCEEDED`, "exceeds maximum allowed (N)".
 * Null when the tally was counted (or the token vanished, which Keygen lets pass uncounted).
 */
export function tokenLimitFailure(tally: TokenTally): Invalid | null {
  if (tally.kind !== 'limit-exceeded') return null;
  return invalidAttribute(tally.counter, `exceeds maximum allowed (${tally.limit})`, 'limit_exceeded');
}

function lookupsFor(store: Store, accountId: string): MachineLookups {
  return {
    fingerprintTaken: (fingerprint, scope) => store.machines.fingerprintTaken(accountId, fingerprint, scope),
    componentTaken: (fingerprint, scope) => store.machines.componentFingerprintTaken(accountId, fingerprint, scope),
    machineExists: (id) => store.machines.idTaken(id),
  };
}

/**
 * Creates a machine for `license` (whose policy is `policy`), or says why it cannot. With a
 * license `token` (the request's bearer), a valid activation is also counted against the token
 * in the same transaction, and refused when its `maxActivations` is reached — as Keygen does,
 * only once the machine itself is valid.
 */
export function activateMachine(store: Store, license: License, policy: Policy, request: Activation, now: number, token: Token | null = null): MachineWrite {
  cullDeadMachines(store, license.id, now);
  const lookups = lookupsFor(store, license.accountId);
  const limits = machineLimits(license, policy);
  const usage = store.machines.usageForLicense(license.id);
  const resources = { cores: request.cores ?? null, memory: request.memory ?? null, disk: request.disk ?? null };
  const failures = [
    ...checkFingerprint(request.fingerprint, license, uniquenessStrategy(policy.attributes.machineUniquenessStrategy, 'UNIQUE_PER_LICENSE'), lookups),
    ...checkMetadata(request.metadata),
    ...checkResources(resources),
    ...checkNewId(request.id, lookups),
    ...checkMachineCount(usage.count, limits),
    ...checkResourceTotals(usage, resources, limits),
    ...checkComponents(request.components, license, uniquenessStrategy(policy.attributes.componentUniquenessStrategy, 'UNIQUE_PER_MACHINE'), lookups),
  ];
  if (failures.length > 0) return { ok: false, failures };

  return store.transaction((): MachineWrite => {
    const refused = token === null ? null : tokenLimitFailure(store.tokens.countActivation(token.accountId, token.id, now));
    if (refused !== null) return { ok: false, failures: [refused], resource: 'tokens' };
    const { components, ...attributes } = request;
    const created = store.machines.create(license.id, { ...attributes, lastHeartbeatAt: initialHeartbeat(heartbeatRules(policy), now) }, now);
    store.machines.addComponents(created, components, now);
    return { ok: true, machine: created };
  });
}

/**
 * Updates a machine's attributes. Keygen re-checks the license's core limit on update; the
 * memory and disk totals are checked the same way.
 */
export function updateMachine(store: Store, machine: Machine, changes: MachineChanges, now: number): MachineWrite {
  const license = store.licenses.findById(machine.accountId, machine.licenseId);
  const policy = license === null ? null : store.policies.findById(machine.accountId, license.policyId);
  const resources = {
    cores: changes.cores === undefined ? machine.cores : changes.cores,
    memory: changes.memory === undefined ? machine.memory : changes.memory,
    disk: changes.disk === undefined ? machine.disk : changes.disk,
  };
  const failures = [...checkMetadata(changes.metadata), ...checkResources(resources)];
  if (license !== null && policy !== null) {
    const usage = store.machines.usageForLicense(license.id);
    const others = { cores: usage.cores - (machine.cores ?? 0), memory: usage.memory - (machine.memory ?? 0), disk: usage.disk - (machine.disk ?? 0) };
    failures.push(...checkResourceTotals(others, resources, machineLimits(license, policy)));
  }
  if (failures.length > 0) return { ok: false, failures };
  return { ok: true, machine: store.machines.update(machine, changes, now) };
}
