/**
 * Dead-machine culling. Keygen deactivates machines whose required heartbeat died in a
 * background job (`MachineHeartbeatWorker`, `CullDeadMachinesWorker`); the issuer has no job
 * runner, so it culls lazily, before it reads or changes a license's machines: the result a
 * client sees is the same as if the job had run on time.
 */
import type { CullScope } from '../db/machines.repo.js';
import type { Store } from '../db/store.js';
import { heartbeatRules, shouldCull, type HeartbeatRules } from './heartbeat.js';

function cull(store: Store, scope: CullScope, now: number): number {
  const rules = new Map<string, HeartbeatRules | null>();
  const rulesOf = (accountId: string, policyId: string): HeartbeatRules | null => {
    if (!rules.has(policyId)) {
      const policy = store.policies.findById(accountId, policyId);
      rules.set(policyId, policy === null ? null : heartbeatRules(policy));
    }
    return rules.get(policyId) ?? null;
  };
  const dead = store.machines.cullCandidates(scope).filter((machine) => {
    const policy = rulesOf(machine.accountId, machine.policyId);
    return policy !== null && shouldCull(machine, policy, now);
  });
  if (dead.length === 0) return 0;
  return store.transaction(() => store.machines.delete(...dead.map((machine) => machine.id)));
}

/**
 * Deletes the license's machines whose required heartbeat is dead when the policy's
 * `heartbeatCullStrategy` is DEACTIVATE_DEAD; returns how many were deleted.
 */
export function cullDeadMachines(store: Store, licenseId: string, now: number): number {
  return cull(store, { licenseId }, now);
}

/** `cullDeadMachines` for every license of an account (before an unscoped machine list). */
export function cullDeadMachinesInAccount(store: Store, accountId: string, now: number): number {
  return cull(store, { accountId }, now);
}
