/**
 * The machine object (keygen-protocol §1.4 and §3): hardware attributes, heartbeat status and
 * schedule from the policy, relationships to the license, product, group and owner.
 */
import type { Store } from '../db/store.js';
import { DEFAULT_HEARTBEAT_DURATION_SECONDS, heartbeatStatus } from '../domain/license-status.js';
import { policyRules } from '../domain/policy-rules.js';
import type { Machine, Policy } from '../domain/types.js';
import { accountRelationship, iso, isoOrNull, toMany, toOne, type SerializeContext } from './common.js';

/** Serializer context plus the store (policy, group, counts) and a per-request policy cache. */
export interface MachineSerializeContext extends SerializeContext {
  readonly store: Store;
  readonly policies?: Map<string, Policy>;
}

function policyOf(machine: Machine, ctx: MachineSerializeContext): Policy {
  const cached = ctx.policies?.get(machine.policyId);
  if (cached !== undefined) return cached;
  const policy = ctx.store.policies.findById(machine.accountId, machine.policyId);
  if (policy === null) throw new Error(`machine ${machine.id} has no policy ${machine.policyId}`);
  ctx.policies?.set(policy.id, policy);
  return policy;
}

/** Serializes a machine resource object at `ctx.now`. */
export function serializeMachine(machine: Machine, ctx: MachineSerializeContext): Record<string, unknown> {
  const rules = policyRules(policyOf(machine, ctx));
  const license = ctx.store.licenses.findById(machine.accountId, machine.licenseId);
  const heartbeatDuration = rules.heartbeatDuration ?? DEFAULT_HEARTBEAT_DURATION_SECONDS;
  const status = heartbeatStatus(
    { created: machine.createdAt, lastHeartbeat: machine.lastHeartbeatAt },
    { requireHeartbeat: rules.requireHeartbeat, heartbeatDuration },
    ctx.now,
  );
  const self = `${ctx.base}/machines/${machine.id}`;
  return {
    id: machine.id,
    type: 'machines',
    attributes: {
      fingerprint: machine.fingerprint,
      cores: machine.cores,
      memory: machine.memory,
      disk: machine.disk,
      ip: machine.ip,
      hostname: machine.hostname,
      platform: machine.platform,
      name: machine.name,
      // A machine that has pinged is held to its heartbeat even when the policy does not require one.
      requireHeartbeat: rules.requireHeartbeat || machine.lastHeartbeatAt !== null,
      heartbeatStatus: status,
      heartbeatDuration,
      maxProcesses: machine.maxProcessesOverride ?? license?.overrides.maxProcesses ?? rules.maxProcesses,
      lastCheckOut: isoOrNull(machine.lastCheckOutAt),
      lastHeartbeat: isoOrNull(machine.lastHeartbeatAt),
      nextHeartbeat: machine.lastHeartbeatAt === null ? null : iso(machine.lastHeartbeatAt + heartbeatDuration * 1000),
      metadata: machine.metadata,
      created: iso(machine.createdAt),
      updated: iso(machine.updatedAt),
      // An issuer extension after Keygen's own attributes: when a validation last named this
      // machine by fingerprint. Keygen keeps no such time; JSON:API clients ignore what they do not know.
      lastValidated: isoOrNull(machine.lastValidatedAt),
    },
    relationships: {
      account: accountRelationship(ctx.base, machine.accountId),
      product: toOne(`${self}/product`, 'products', machine.productId),
      group: toOne(`${self}/group`, 'groups', license?.groupId ?? null),
      license: toOne(`${self}/license`, 'licenses', machine.licenseId),
      owner: toOne(`${self}/owner`, 'users', machine.ownerId),
      components: toMany(`${self}/components`),
      processes: toMany(`${self}/processes`),
    },
    links: { self },
  };
}
