/**
 * The heartbeat actions (`POST /machines/:id/actions/ping|reset`), after Keygen's
 * `Machines::Actions::HeartbeatsController`: a ping records a heartbeat, revives a dead machine
 * when the policy allows it, or is refused; a reset clears the heartbeat (NOT_STARTED again).
 */
import type { Store } from '../db/store.js';
import { heartbeatRules, pingOutcome } from './heartbeat.js';
import type { Machine } from './types.js';

/** What a ping did. `resurrected` machines report RESURRECTED in that one response. */
export type PingResult =
  | { readonly kind: 'pinged'; readonly machine: Machine }
  | { readonly kind: 'resurrected'; readonly machine: Machine }
  | { readonly kind: 'dead' };

/** Pings `machine` at `now`; a dead machine that cannot be revived is left as it is. */
export function pingHeartbeat(store: Store, machine: Machine, now: number): PingResult {
  const policy = store.policies.findById(machine.accountId, machine.policyId);
  if (policy === null) throw new Error(`machine ${machine.id} has no policy ${machine.policyId}`);
  switch (pingOutcome(machine, heartbeatRules(policy), now)) {
    case 'dead':
      return { kind: 'dead' };
    case 'resurrect':
      // `Machine#resurrect!` also forgets the death event, so a later death is reported again.
      return { kind: 'resurrected', machine: store.machines.update(machine, { lastHeartbeatAt: now, lastDeathEventAt: null }, now) };
    case 'ping':
      return { kind: 'pinged', machine: store.machines.update(machine, { lastHeartbeatAt: now }, now) };
  }
}

/** Clears the machine's heartbeat (`last_heartbeat_at = nil`). */
export function resetHeartbeat(store: Store, machine: Machine, now: number): Machine {
  return store.machines.update(machine, { lastHeartbeatAt: null }, now);
}
