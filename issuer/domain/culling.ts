/**
 * Dead-machine and dead-process culling. Keygen deletes machines and processes whose heartbeat
 * died in background jobs (`MachineHeartbeatWorker`, `CullDeadMachinesWorker`,
 * `ProcessHeartbeatWorker`); the issuer has no job runner, so it culls lazily, before it reads
 * or changes a license's machines or processes: the result a client sees is the same as if the
 * jobs had run on time.
 */
import type { CullScope } from '../db/machines.repo.js';
import type { Store } from '../db/store.js';
import { HEARTBEAT_DRIFT_MS, heartbeatRules, shouldCull, type HeartbeatRules } from './heartbeat.js';
import type { Machine } from './types.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Returns how many machines were deleted (their processes go with them); dead processes of live machines are deleted too. */
function cull(store: Store, scope: CullScope, now: number): number {
  const rules = new Map<string, HeartbeatRules | null>();
  const rulesOf = (accountId: string, policyId: string): HeartbeatRules | null => {
    if (!rules.has(policyId)) {
      const policy = store.policies.findById(accountId, policyId);
      rules.set(policyId, policy === null ? null : heartbeatRules(policy));
    }
    return rules.get(policyId) ?? null;
  };
  const isDead = (record: { accountId: string; policyId: string; createdAt: number; lastHeartbeatAt: number | null }): boolean => {
    const policy = rulesOf(record.accountId, record.policyId);
    return policy !== null && shouldCull(record, policy, now);
  };
  // A machine is culled only once dead for the drift past its window: older signs of life only.
  const deadMachines = store.machines.cullCandidates(scope, now, HEARTBEAT_DRIFT_MS).filter(isDead);
  const machines = deadMachines.length === 0 ? 0 : store.transaction(() => store.machines.delete(...deadMachines.map((machine) => machine.id)));
  // A process's heartbeat starts at its creation, so the machine rules apply to it as to a machine that has pinged.
  const deadProcesses = store.processes.cullCandidates(scope).filter(isDead);
  if (deadProcesses.length > 0) store.transaction(() => store.processes.delete(...deadProcesses.map((process) => process.id)));
  return machines;
}

/**
 * Deletes the license's machines whose required heartbeat is dead, then its dead processes,
 * where the policy's `heartbeatCullStrategy` is DEACTIVATE_DEAD; returns how many machines
 * were deleted.
 */
export function cullDeadMachines(store: Store, licenseId: string, now: number): number {
  return cull(store, { licenseId }, now);
}

/** `cullDeadMachines` for every license of an account (before an unscoped machine or process list). */
export function cullDeadMachinesInAccount(store: Store, accountId: string, now: number): number {
  return cull(store, { accountId }, now);
}

/** The machine with UUID `id` once its license's dead records are culled; null when there is none (or no longer). */
export function machineAfterCulling(store: Store, accountId: string, id: string, now: number): Machine | null {
  const found = UUID_RE.test(id) ? store.machines.findById(accountId, id.toLowerCase()) : null;
  if (found === null) return null;
  cullDeadMachines(store, found.licenseId, now);
  return store.machines.findById(accountId, found.id);
}
