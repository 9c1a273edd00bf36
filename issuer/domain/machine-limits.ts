/**
 * A license's machine limits as Keygen's `Machine` model enforces them on activation and update:
 * the machine count (`MACHINE_LIMIT_EXCEEDED`) and the core, memory and disk totals
 * (`MACHINE_CORE_LIMIT_EXCEEDED`, …), each relaxed by the policy's overage strategy. Failures
 * are record-level errors (`errors.add :base`), so they point at `/data`.
 */
import type { MachineUsage } from '../db/machines.repo.js';
import type { Invalid } from './invalid.js';
import { effectiveLimits } from './license-facts.js';
import { policyRules } from './policy-rules.js';
import type { License, Policy } from './types.js';
import { overageStrategyOf, withinOverage } from './overage.js';
import type { OverageStrategy } from './validation.types.js';

/** The limits that apply to a license's machines. */
export interface MachineLimits {
  /** A node-locked policy allows one machine unless the policy or license says otherwise. */
  readonly maxMachines: number | null;
  readonly maxCores: number | null;
  readonly maxMemory: number | null;
  readonly maxDisk: number | null;
  readonly overage: OverageStrategy;
}

/** The license's limits (its overrides, else the policy's) and the policy's overage strategy. */
export function machineLimits(license: License, policy: Policy): MachineLimits {
  const rules = policyRules(policy);
  const limits = effectiveLimits(license, rules);
  return {
    maxMachines: limits.maxMachines ?? (rules.floating ? null : 1),
    maxCores: limits.maxCores,
    maxMemory: limits.maxMemory,
    maxDisk: limits.maxDisk,
    overage: overageStrategyOf(policy.attributes.overageStrategy),
  };
}


function exceeds(total: number, limit: number | null, strategy: OverageStrategy): limit is number {
  return limit !== null && total > limit && !withinOverage(strategy, total, limit);
}

const base = (code: string, detail: string): Invalid => ({ code, detail, pointer: '/data' });

/**
 * Failure when one more machine would exceed `maxMachines`. Keygen lets a license with no
 * machines take its first one whatever the limit, so only later activations can fail.
 */
export function checkMachineCount(existing: number, limits: MachineLimits): Invalid[] {
  if (existing === 0 || !exceeds(existing + 1, limits.maxMachines, limits.overage)) return [];
  return [base('MACHINE_LIMIT_EXCEEDED', `machine count has exceeded maximum allowed for license (${String(limits.maxMachines)})`)];
}

/** The cores, memory and disk of the machine being created or updated. */
export type MachineResources = Readonly<Record<'cores' | 'memory' | 'disk', number | null>>;

/**
 * Failures when the license's totals, with this machine's resources in place of its old ones,
 * would exceed `maxCores`, `maxMemory` or `maxDisk`. `others` are the totals of the license's
 * other machines.
 */
export function checkResourceTotals(others: Omit<MachineUsage, 'count'>, machine: MachineResources, limits: MachineLimits): Invalid[] {
  const checks = [
    ['cores', limits.maxCores, 'MACHINE_CORE_LIMIT_EXCEEDED', 'machine core count'],
    ['memory', limits.maxMemory, 'MACHINE_MEMORY_LIMIT_EXCEEDED', 'machine memory'],
    ['disk', limits.maxDisk, 'MACHINE_DISK_LIMIT_EXCEEDED', 'machine disk'],
  ] as const;
  const failures: Invalid[] = [];
  for (const [resource, limit, code, what] of checks) {
    const total = others[resource] + (machine[resource] ?? 0);
    if (exceeds(total, limit, limits.overage)) failures.push(base(code, `${what} has exceeded maximum allowed for license (${limit})`));
  }
  return failures;
}
