/**
 * Process heartbeats after Keygen's `MachineProcess`, `ProcessHeartbeatWorker` and
 * `MachineProcesses::Actions::HeartbeatsController`. A process's first heartbeat is its creation
 * (`before_validation … last_heartbeat_at ||= Time.current`), so it is never NOT_STARTED: it is
 * ALIVE until one interval after its last ping, then DEAD. The interval, the revive window and
 * the culling follow its machine's policy exactly as a machine that has pinged does, so the
 * machine rules of `heartbeat.ts` apply to it unchanged.
 */
import type { Store } from '../db/store.js';
import { heartbeatRules, machineHeartbeatStatus, pingOutcome, shouldCull, type HeartbeatRules } from './heartbeat.js';
import type { MachineProcess } from './types.js';

/** Keygen's process statuses; RESURRECTED only in the answer to the ping that revived it. */
export type ProcessStatus = 'ALIVE' | 'DEAD' | 'RESURRECTED';

/** What a ping did. */
export type ProcessPingResult =
  | { readonly kind: 'pinged'; readonly process: MachineProcess }
  | { readonly kind: 'resurrected'; readonly process: MachineProcess }
  | { readonly kind: 'dead' };

type ProcessHeartbeat = Pick<MachineProcess, 'createdAt' | 'lastHeartbeatAt'>;

/** The heartbeat rules of the process's policy (`MachineProcess#interval` is the machine's `heartbeat_duration`). */
export function processRules(store: Store, process: Pick<MachineProcess, 'accountId' | 'policyId' | 'id'>): HeartbeatRules {
  const policy = store.policies.findById(process.accountId, process.policyId);
  if (policy === null) throw new Error(`process ${process.id} has no policy ${process.policyId}`);
  return heartbeatRules(policy);
}

/** `MachineProcess#status`: ALIVE while `next_heartbeat_at >= now`, else DEAD. */
export function processStatus(process: ProcessHeartbeat, rules: HeartbeatRules, now: number): 'ALIVE' | 'DEAD' {
  return machineHeartbeatStatus(process, rules, now) === 'DEAD' ? 'DEAD' : 'ALIVE';
}

/**
 * Whether the heartbeat worker deletes the process now: dead past the 30 s drift, its policy
 * deactivates the dead, and no revive is possible any more (`ProcessHeartbeatWorker#perform`).
 */
export function shouldCullProcess(process: ProcessHeartbeat, rules: HeartbeatRules, now: number): boolean {
  return shouldCull(process, rules, now);
}

/**
 * Pings `process` at `now`: records the heartbeat, revives a dead process the policy lets
 * revive (`resurrect!`), or refuses one it does not (422 PROCESS_HEARTBEAT_DEAD).
 */
export function pingProcess(store: Store, process: MachineProcess, now: number): ProcessPingResult {
  switch (pingOutcome(process, processRules(store, process), now)) {
    case 'dead':
      return { kind: 'dead' };
    case 'resurrect':
      return { kind: 'resurrected', process: store.processes.update(process, { lastHeartbeatAt: now }, now) };
    case 'ping':
      return { kind: 'pinged', process: store.processes.update(process, { lastHeartbeatAt: now }, now) };
  }
}
