/**
 * Spawning a process (`POST /processes`) after keygen-api's `MachineProcess` validations, in
 * the model's order: the pid (unique on its machine, not reserved, not blank), a client-chosen
 * id (a UUID no other process has), then the process limit of the leasing strategy. Dead
 * machines and processes of the license must be culled first (`machineAfterCulling`), as
 * Keygen's heartbeat workers would have deleted them, so that only live ones count.
 */
import type { Store } from '../db/store.js';
import { invalidAttribute, invalidId, type Invalid } from './invalid.js';
import { checkProcessLimit } from './process-limits.js';
import type { License, Machine, MachineProcess, Metadata, Policy } from './types.js';

/** A validated spawn request. */
export interface SpawnRequest {
  /** A client-chosen id, as sent (validated here: Keygen answers 422, not 400, for a bad one). */
  readonly id?: string;
  readonly pid: string;
  readonly metadata?: Metadata;
}

/** The new process, or Keygen's 422 failures. */
export type ProcessWrite = { readonly ok: true; readonly process: MachineProcess } | { readonly ok: false; readonly failures: readonly Invalid[] };

/** Keygen's `EXCLUDED_ALIASES`: identifiers that would shadow `/processes/actions/…` routes. */
const RESERVED = new Set(['actions', 'action']);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkPid(store: Store, machine: Machine, pid: string): Invalid[] {
  const failures: Invalid[] = [];
  if (store.processes.pidTaken(machine.id, pid)) failures.push(invalidAttribute('pid', 'has already been taken', 'taken'));
  if (RESERVED.has(pid)) failures.push(invalidAttribute('pid', 'is reserved', 'not_allowed'));
  if (pid.trim() === '') failures.push(invalidAttribute('pid', "can't be blank", 'missing'));
  return failures;
}

/** Keygen validates a given id only when it is present (`id_before_type_cast.present?`). */
function checkId(store: Store, id: string | undefined): Invalid[] {
  if (id === undefined || id.trim() === '') return [];
  if (!UUID_RE.test(id)) return [invalidId('must be a valid UUID', 'invalid')];
  return store.processes.idTaken(id.toLowerCase()) ? [invalidId('must not conflict with another process', 'conflict')] : [];
}

/**
 * Creates a process on `machine` (of `license`, under `policy`), or says why it cannot. The
 * caller has found the machine, authorized the bearer and culled the license's dead records.
 */
export function spawnProcess(store: Store, machine: Machine, license: License, policy: Policy, request: SpawnRequest, now: number): ProcessWrite {
  return store.transaction((): ProcessWrite => {
    const failures = [...checkPid(store, machine, request.pid), ...checkId(store, request.id), ...checkProcessLimit(store, machine, license, policy)];
    if (failures.length > 0) return { ok: false, failures };
    const id = request.id === undefined || request.id.trim() === '' ? undefined : request.id.toLowerCase();
    const process = store.processes.create(machine, { pid: request.pid, ...(id === undefined ? {} : { id }), ...(request.metadata === undefined ? {} : { metadata: request.metadata }) }, now);
    return { ok: true, process };
  });
}

