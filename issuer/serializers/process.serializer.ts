/**
 * The process object (keygen-api `MachineProcessSerializer`, CE attributes, in its order):
 * heartbeat times and interval from the machine's policy, status at the request time (or
 * RESURRECTED in the answer to the ping that revived it), relationships to the account,
 * product, license and machine.
 */
import type { HeartbeatRules } from '../domain/heartbeat.js';
import { processStatus, type ProcessStatus } from '../domain/process-heartbeat.js';
import type { MachineProcess } from '../domain/types.js';
import { accountRelationship, iso, toOne, type SerializeContext } from './common.js';

/** Serializes a process under its policy's heartbeat `rules`; `status` overrides the computed one. */
export function serializeProcess(process: MachineProcess, rules: HeartbeatRules, ctx: SerializeContext, status?: ProcessStatus): Record<string, unknown> {
  const self = `${ctx.base}/processes/${process.id}`;
  return {
    id: process.id,
    type: 'processes',
    attributes: {
      lastHeartbeat: iso(process.lastHeartbeatAt),
      nextHeartbeat: iso(process.lastHeartbeatAt + rules.durationSeconds * 1000),
      interval: rules.durationSeconds,
      status: status ?? processStatus(process, rules, ctx.now),
      pid: process.pid,
      created: iso(process.createdAt),
      updated: iso(process.updatedAt),
      metadata: process.metadata,
    },
    relationships: {
      account: accountRelationship(ctx.base, process.accountId),
      product: toOne(`${self}/product`, 'products', process.productId),
      license: toOne(`${self}/license`, 'licenses', process.licenseId),
      machine: toOne(`${self}/machine`, 'machines', process.machineId),
    },
    links: { self },
  };
}
