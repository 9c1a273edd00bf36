/**
 * The process limit a new process must fit in (keygen-api `MachineProcess`, `validate on:
 * :create`), per the policy's `processLeasingStrategy`:
 *
 * - PER_MACHINE (the default): the machine's processes against the machine's `maxProcesses`
 *   (its own override, else the license's);
 * - PER_LICENSE: every process of the license against the license's `maxProcesses`;
 * - PER_USER: the license's processes on machines of the same owner as this one (machines
 *   without an owner count together) against the license's `maxProcesses`.
 *
 * The license's `maxProcesses` is its override, else the policy's. The policy's overage
 * strategy relaxes the limit; the node-locked restriction on fractional overage that machines
 * have does not apply to processes. A failure is a record-level error pointing at `/data`.
 */
import type { Store } from '../db/store.js';
import type { Invalid } from './invalid.js';
import { effectiveLimits } from './license-facts.js';
import { overageStrategyOf, withinOverage } from './overage.js';
import { policyRules } from './policy-rules.js';
import type { License, Machine, Policy } from './types.js';
import type { ProcessLeasingStrategy } from './validation.types.js';

const STRATEGIES: readonly ProcessLeasingStrategy[] = ['PER_MACHINE', 'PER_LICENSE', 'PER_USER'];

/** A policy's stored `processLeasingStrategy`, PER_MACHINE when absent or unknown. */
export function processLeasingStrategyOf(value: unknown): ProcessLeasingStrategy {
  return STRATEGIES.find((strategy) => strategy === value) ?? 'PER_MACHINE';
}

/** The counting unit named in Keygen's message for each strategy. */
const UNIT: Readonly<Record<ProcessLeasingStrategy, string>> = { PER_MACHINE: 'machine', PER_LICENSE: 'license', PER_USER: 'user' };

/**
 * Failure when one more process on `machine` would exceed its process limit; none when the
 * machine has no limit, the overage strategy allows it, or the count is within the limit.
 * Counts every stored process, alive or dead: cull dead ones first, as Keygen's worker would have.
 */
export function checkProcessLimit(store: Store, machine: Machine, license: License, policy: Policy): Invalid[] {
  const licenseLimit = effectiveLimits(license, policyRules(policy)).maxProcesses;
  const machineLimit = machine.maxProcessesOverride ?? licenseLimit;
  // Keygen skips the check when the machine has no limit at all.
  if (machineLimit === null) return [];
  const strategy = processLeasingStrategyOf(policy.attributes.processLeasingStrategy);
  let count: number;
  let limit: number | null;
  switch (strategy) {
    case 'PER_MACHINE':
      count = store.processes.countForMachine(machine.id) + 1;
      limit = machineLimit;
      break;
    case 'PER_LICENSE':
      count = store.processes.countForLicense(license.id) + 1;
      limit = licenseLimit;
      break;
    case 'PER_USER':
      count = store.processes.countForOwner(license.id, machine.ownerId) + 1;
      limit = licenseLimit;
      break;
  }
  if (limit === null || count <= limit || withinOverage(overageStrategyOf(policy.attributes.overageStrategy), count, limit)) return [];
  return [{ code: 'MACHINE_PROCESS_LIMIT_EXCEEDED', detail: `process count has exceeded maximum allowed for ${UNIT[strategy]} (${limit})`, pointer: '/data' }];
}
