/**
 * Machine heartbeats after Keygen (`Machine`, `Policy`, `MachineHeartbeatWorker`): the policy's
 * heartbeat rules, what a ping does to a machine (ping, resurrect, or refuse a dead one), and
 * when a dead machine is culled. Pure functions of the machine, the policy and the clock.
 */
import { DEFAULT_HEARTBEAT_DURATION_SECONDS, heartbeatStatus } from './license-status.js';
import type { Machine, Policy } from './types.js';
import type { HeartbeatStatus } from './validation.types.js';

export type HeartbeatCullStrategy = 'DEACTIVATE_DEAD' | 'KEEP_DEAD';
export type HeartbeatResurrectionStrategy =
  | 'ALWAYS_REVIVE'
  | '15_MINUTE_REVIVE'
  | '10_MINUTE_REVIVE'
  | '5_MINUTE_REVIVE'
  | '2_MINUTE_REVIVE'
  | '1_MINUTE_REVIVE'
  | 'NO_REVIVE';
export type HeartbeatBasis = 'FROM_CREATION' | 'FROM_FIRST_PING';

/** A policy's heartbeat attributes, typed, with Keygen's defaults for missing values. */
export interface HeartbeatRules {
  readonly requireHeartbeat: boolean;
  /** Seconds; the policy's `heartbeatDuration`, else 600. */
  readonly durationSeconds: number;
  readonly cullStrategy: HeartbeatCullStrategy;
  readonly resurrectionStrategy: HeartbeatResurrectionStrategy;
  readonly basis: HeartbeatBasis;
}

/**
 * Keygen schedules its heartbeat monitor `heartbeatDuration + 30 s` after a ping, so a machine
 * is culled only once it has been dead for that drift: a ping that arrives just late is
 * answered "is dead" rather than "not found".
 */
export const HEARTBEAT_DRIFT_MS = 30_000;

const MINUTE_MS = 60_000;
/** How long after death a machine may still be revived (`Policy#lazarus_ttl`). */
const LAZARUS_TTL_MS: Readonly<Record<HeartbeatResurrectionStrategy, number>> = {
  ALWAYS_REVIVE: 0,
  '15_MINUTE_REVIVE': 15 * MINUTE_MS,
  '10_MINUTE_REVIVE': 10 * MINUTE_MS,
  '5_MINUTE_REVIVE': 5 * MINUTE_MS,
  '2_MINUTE_REVIVE': 2 * MINUTE_MS,
  '1_MINUTE_REVIVE': MINUTE_MS,
  NO_REVIVE: 0,
};

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}

/** Reads the heartbeat rules of a policy (unknown or missing strategies fall back to Keygen's defaults). */
export function heartbeatRules(policy: Policy): HeartbeatRules {
  const a = policy.attributes;
  const duration = typeof a.heartbeatDuration === 'number' && a.heartbeatDuration > 0 ? a.heartbeatDuration : DEFAULT_HEARTBEAT_DURATION_SECONDS;
  return {
    requireHeartbeat: a.requireHeartbeat === true,
    durationSeconds: duration,
    cullStrategy: oneOf(a.heartbeatCullStrategy, ['DEACTIVATE_DEAD', 'KEEP_DEAD'], 'DEACTIVATE_DEAD'),
    resurrectionStrategy: oneOf(a.heartbeatResurrectionStrategy, Object.keys(LAZARUS_TTL_MS) as HeartbeatResurrectionStrategy[], 'NO_REVIVE'),
    basis: oneOf(a.heartbeatBasis, ['FROM_CREATION', 'FROM_FIRST_PING'], 'FROM_FIRST_PING'),
  };
}

type HeartbeatFields = Pick<Machine, 'createdAt' | 'lastHeartbeatAt'>;

/** The machine's heartbeat status at `now` (never RESURRECTED: that is only the answer to a reviving ping). */
export function machineHeartbeatStatus(machine: HeartbeatFields, rules: HeartbeatRules, now: number): HeartbeatStatus {
  return heartbeatStatus(
    { created: machine.createdAt, lastHeartbeat: machine.lastHeartbeatAt },
    { requireHeartbeat: rules.requireHeartbeat, heartbeatDuration: rules.durationSeconds },
    now,
  );
}

/** Keygen's `Machine#requires_heartbeat?`: the policy requires one, or the machine has started one. */
export function requiresHeartbeat(machine: HeartbeatFields, rules: HeartbeatRules): boolean {
  return rules.requireHeartbeat || machine.lastHeartbeatAt !== null;
}

/** When the machine died (ms): its last ping, or its creation if it never pinged, plus the window. Null when it cannot die. */
export function deathTime(machine: HeartbeatFields, rules: HeartbeatRules): number | null {
  if (!requiresHeartbeat(machine, rules)) return null;
  return (machine.lastHeartbeatAt ?? machine.createdAt) + rules.durationSeconds * 1000;
}

/**
 * Keygen's `Machine#resurrection_period_passed?`: never under ALWAYS_REVIVE; always for a
 * machine that never pinged or whose policy does not revive; else once the revive window after
 * the missed heartbeat is over.
 */
export function resurrectionPeriodPassed(machine: HeartbeatFields, rules: HeartbeatRules, now: number): boolean {
  if (rules.resurrectionStrategy === 'ALWAYS_REVIVE') return false;
  if (!requiresHeartbeat(machine, rules) || rules.resurrectionStrategy === 'NO_REVIVE' || machine.lastHeartbeatAt === null) return true;
  return now > machine.lastHeartbeatAt + rules.durationSeconds * 1000 + LAZARUS_TTL_MS[rules.resurrectionStrategy];
}

/** What a ping does: record a heartbeat, revive a dead machine, or refuse (422 MACHINE_HEARTBEAT_DEAD). */
export type PingOutcome = 'ping' | 'resurrect' | 'dead';

/** Decides a ping (`HeartbeatsController#ping`). */
export function pingOutcome(machine: HeartbeatFields, rules: HeartbeatRules, now: number): PingOutcome {
  if (machineHeartbeatStatus(machine, rules, now) !== 'DEAD') return 'ping';
  const revivable = rules.resurrectionStrategy !== 'NO_REVIVE' && !resurrectionPeriodPassed(machine, rules, now);
  return revivable ? 'resurrect' : 'dead';
}

/**
 * Whether the heartbeat monitor deletes the machine now (`MachineHeartbeatWorker`): it is dead
 * (past the drift), the policy deactivates dead machines, and no resurrection is still possible.
 */
export function shouldCull(machine: HeartbeatFields, rules: HeartbeatRules, now: number): boolean {
  const died = deathTime(machine, rules);
  if (died === null || now <= died + HEARTBEAT_DRIFT_MS) return false;
  if (machineHeartbeatStatus(machine, rules, now) !== 'DEAD') return false;
  if (rules.cullStrategy !== 'DEACTIVATE_DEAD' || rules.resurrectionStrategy === 'ALWAYS_REVIVE') return false;
  return rules.resurrectionStrategy === 'NO_REVIVE' || resurrectionPeriodPassed(machine, rules, now);
}

/** The first heartbeat of a new machine: its creation under FROM_CREATION, else none until the first ping. */
export function initialHeartbeat(rules: HeartbeatRules, now: number): number | null {
  return rules.basis === 'FROM_CREATION' ? now : null;
}
