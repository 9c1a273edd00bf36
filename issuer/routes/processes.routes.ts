/**
 * `/processes`: spawn, list with filters, retrieve, update metadata, kill, heartbeat ping; a
 * process's machine, license and product; and `/machines/:id/processes`. After keygen-api's
 * `MachineProcessesController`, `MachineProcesses::Actions::HeartbeatsController` and
 * `Machines::Relationships::MachineProcessesController`. Dead machines and processes are culled
 * lazily before a license's processes are read or changed (see `domain/culling.ts`).
 */
import { z } from 'zod';
import { cullDeadMachines, cullDeadMachinesInAccount, machineAfterCulling } from '../domain/culling.js';
import type { HeartbeatRules } from '../domain/heartbeat.js';
import { invalidRelationship } from '../domain/invalid.js';
import { checkMetadata } from '../domain/license-checks.js';
import { machineChildFilterFrom, type MachineChildFilter } from '../domain/machine-child-filter.js';
import { normalizeMetadata } from '../domain/metadata.js';
import { pingProcess, processRules, type ProcessStatus } from '../domain/process-heartbeat.js';
import { spawnProcess } from '../domain/process-spawn.js';
import type { License, MachineProcess } from '../domain/types.js';
import { created, noContent, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { ApiError, notFound, unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { metadata, parseDocument } from '../http/params.js';
import { serializeProcess } from '../serializers/process.serializer.js';
import { findMachine, policyOf, scopeOf } from './lookup.js';
import { authorizeMachine, findProcess } from './machine-access.js';
import { childRelationshipRoutes } from './machine-child-relationships.js';

const TYPE = z.enum(['process', 'processes']);
const CREATE = z.strictObject({
  data: z.strictObject({
    type: TYPE,
    // Keygen types the id as a string and answers a bad one with 422 ID_INVALID, not 400.
    id: z.string().optional(),
    attributes: z.strictObject({ pid: z.string(), metadata: metadata().optional() }),
    // The machine id is a string too: an unknown one is "must exist" (422), not a 400.
    relationships: z.strictObject({ machine: z.strictObject({ data: z.strictObject({ type: z.enum(['machine', 'machines']), id: z.string() }) }) }),
  }),
});
/** Admins and products may change the metadata; a license may send no attribute at all (Keygen's typed params). */
const UPDATE = z.strictObject({ data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject({ metadata: metadata().optional() }) }) });
const UPDATE_BY_LICENSE = z.strictObject({ data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject({}) }) });

/** Serializes with a per-request cache of heartbeat rules by policy. */
function presenter(ctx: RequestContext) {
  const rules = new Map<string, HeartbeatRules>();
  return (process: MachineProcess, status?: ProcessStatus): Record<string, unknown> => {
    let policyRules = rules.get(process.policyId);
    if (policyRules === undefined) {
      policyRules = processRules(ctx.store, process);
      rules.set(process.policyId, policyRules);
    }
    return serializeProcess(process, policyRules, ctx, status);
  };
}

function spawn(ctx: RequestContext) {
  const { data } = parseDocument(CREATE, ctx.body);
  const machine = machineAfterCulling(ctx.store, ctx.account.id, data.relationships.machine.data.id, ctx.now);
  // Keygen authorizes the new record before validating it: a missing machine is 403 for anyone
  // but an admin, who gets the 422.
  authorizeMachine(ctx, 'process.create', machine ?? { licenseId: '', productId: '' });
  if (machine === null) throw unprocessable('processes', [invalidRelationship('machine', 'must exist', 'not_found')]);
  const license = ctx.store.licenses.findById(ctx.account.id, machine.licenseId) as License;
  const { pid, metadata: meta } = data.attributes;
  const request = {
    pid,
    ...(data.id === undefined ? {} : { id: data.id }),
    ...(meta === undefined ? {} : { metadata: normalizeMetadata(meta) }),
  };
  const result = spawnProcess(ctx.store, machine, license, policyOf(ctx, license), request, ctx.now);
  if (!result.ok) throw unprocessable('processes', result.failures);
  return created({ data: presenter(ctx)(result.process) }, `${ctx.base}/processes/${result.process.id}`);
}

/** Lists processes matching `filter`, newest first, paginated like every Keygen list. */
function listProcesses(ctx: RequestContext, filter: MachineChildFilter) {
  const paging = parsePaging(ctx.query);
  const slice = ctx.store.processes.list(ctx.account.id, filter, paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  const present = presenter(ctx);
  return ok({ data: slice.items.map((process) => present(process)), ...(links ? { links } : {}) });
}

function update(ctx: RequestContext) {
  const process = findProcess(ctx);
  authorizeMachine(ctx, 'process.update', process);
  const attributes: z.infer<typeof UPDATE>['data']['attributes'] =
    ctx.bearer?.kind === 'license' ? parseDocument(UPDATE_BY_LICENSE, ctx.body).data.attributes : parseDocument(UPDATE, ctx.body).data.attributes;
  const meta = attributes.metadata;
  const failures = checkMetadata(meta);
  if (failures.length > 0) throw unprocessable('processes', failures);
  const updated = ctx.store.processes.update(process, meta === undefined ? {} : { metadata: normalizeMetadata(meta) }, ctx.now);
  return ok({ data: presenter(ctx)(updated) });
}

function ping(ctx: RequestContext) {
  const process = findProcess(ctx);
  authorizeMachine(ctx, 'process.heartbeat.ping', process);
  const result = pingProcess(ctx.store, process, ctx.now);
  switch (result.kind) {
    case 'dead':
      throw new ApiError(422, [{ title: 'Unprocessable entity', detail: 'is dead', code: 'PROCESS_HEARTBEAT_DEAD' }]);
    case 'resurrected':
      return ok({ data: presenter(ctx)(result.process, 'RESURRECTED') });
    case 'pinged':
      return ok({ data: presenter(ctx)(result.process) });
  }
}

/** Routes of the process resource, its heartbeat ping, its relationships, and a machine's process list. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/processes', auth: 'required', handler: spawn },
  {
    method: 'GET',
    path: '/processes',
    auth: 'required',
    handler: (ctx) => {
      authorizeMachine(ctx, 'process.read');
      const scope = scopeOf(ctx);
      const filter = machineChildFilterFrom(ctx.query, ctx.now, true);
      const license = scope.licenseId ?? filter.licenseId;
      if (license !== undefined) cullDeadMachines(ctx.store, license.toLowerCase(), ctx.now);
      else cullDeadMachinesInAccount(ctx.store, ctx.account.id, ctx.now);
      return listProcesses(ctx, { ...filter, scope });
    },
  },
  {
    method: 'GET',
    path: '/processes/:id',
    auth: 'required',
    handler: (ctx) => {
      const process = findProcess(ctx);
      authorizeMachine(ctx, 'process.read', process);
      return ok({ data: presenter(ctx)(process) });
    },
  },
  { method: 'PATCH', path: '/processes/:id', auth: 'required', handler: update },
  {
    method: 'DELETE',
    path: '/processes/:id',
    auth: 'required',
    handler: (ctx) => {
      const process = findProcess(ctx);
      authorizeMachine(ctx, 'process.delete', process);
      ctx.store.processes.delete(process.id);
      return noContent();
    },
  },
  // Keygen routes processes' ping without the `ping-heartbeat` alias that machines have.
  { method: 'POST', path: '/processes/:id/actions/ping', auth: 'required', handler: ping },
  ...childRelationshipRoutes('processes', (ctx) => findProcess(ctx)),
  {
    method: 'GET',
    path: '/machines/:id/processes',
    auth: 'required',
    handler: (ctx) => {
      const machine = findMachine(ctx);
      authorizeMachine(ctx, 'process.read', machine);
      // The relationship list has only Keygen's `status` scope.
      const { status, none } = machineChildFilterFrom(ctx.query, ctx.now, true);
      return listProcesses(ctx, { now: ctx.now, machineId: machine.id, ...(status === undefined ? {} : { status }), ...(none === undefined ? {} : { none }) });
    },
  },
  {
    method: 'GET',
    path: '/machines/:id/processes/:process',
    auth: 'required',
    handler: (ctx) => {
      const machine = findMachine(ctx);
      authorizeMachine(ctx, 'process.read', machine);
      const id = ctx.params.process ?? '';
      const process = ctx.store.processes.findInScope(ctx.account.id, id, { licenseId: machine.licenseId });
      if (process === null || process.machineId !== machine.id) throw notFound('machine process', id);
      return ok({ data: presenter(ctx)(process) });
    },
  },
];
