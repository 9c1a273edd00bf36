/**
 * `/machines`: activate, retrieve (by id or fingerprint), update, deactivate, list with filters,
 * heartbeat ping and reset; and `/licenses/:id/machines` (a license's seats). After Keygen's
 * `MachinesController`, `Machines::Actions::HeartbeatsController` and
 * `Licenses::Relationships::MachinesController`. Dead machines are culled lazily before a
 * license's machines are read or changed (see `domain/culling.ts`).
 */
import { z } from 'zod';
import type { MachineScope } from '../db/machines.repo.js';
import { cullDeadMachines, cullDeadMachinesInAccount } from '../domain/culling.js';
import { pingHeartbeat, resetHeartbeat } from '../domain/heartbeat-actions.js';
import { invalidRelationship } from '../domain/invalid.js';
import { activateMachine, tokenLimitFailure, updateMachine, type MachineWrite } from '../domain/machine-activation.js';
import { machineFilterFrom, type MachineFilter } from '../domain/machine-filter.js';
import { normalizeMetadata } from '../domain/metadata.js';
import type { Machine, Policy, Token } from '../domain/types.js';
import { bearerOf, created, noContent, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { accessDenied, ApiError, unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { linkage, metadata, parseDocument, uuid } from '../http/params.js';
import { authorize, type Action } from '../http/permissions.js';
import { serializeMachine } from '../serializers/machine.serializer.js';
import { findLicense, findMachine, scopeOf } from './lookup.js';

const TYPE = z.enum(['machine', 'machines']);
const TEXT = z.string().nullable().optional();
const AMOUNT = z.int().nullable().optional();
/** What any bearer may change (Keygen lets license bearers change only these). */
const DESCRIPTIVE = { name: TEXT, ip: TEXT, hostname: TEXT, platform: TEXT };
/** What admins and products may also set. */
const RESOURCES = { cores: AMOUNT, memory: AMOUNT, disk: AMOUNT, metadata: metadata().optional() };
const COMPONENT = z.strictObject({
  type: z.enum(['component', 'components']),
  attributes: z.strictObject({ fingerprint: z.string(), name: z.string(), metadata: metadata().optional() }),
});
const CREATE = z.strictObject({
  data: z.strictObject({
    type: TYPE,
    id: uuid().optional(),
    attributes: z.strictObject({ fingerprint: z.string(), ...DESCRIPTIVE, ...RESOURCES }),
    relationships: z.strictObject({
      license: linkage(['license', 'licenses']),
      // Keygen's `accepts_nested_attributes_for :components, limit: 20`.
      components: z.strictObject({ data: z.array(COMPONENT).max(20) }).optional(),
    }),
  }),
});
const UPDATE = z.strictObject({
  data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject({ ...DESCRIPTIVE, ...RESOURCES }) }),
});
const UPDATE_BY_LICENSE = z.strictObject({
  data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject(DESCRIPTIVE) }),
});

/**
 * `authorize`, plus Keygen's `verify_permissions!` for license bearers: a license that is
 * suspended, or whose owner is banned, may do nothing even with a valid license token.
 */
export function authorizeMachine(ctx: RequestContext, action: Action, machine?: Pick<Machine, 'licenseId' | 'productId'>): void {
  const bearer = bearerOf(ctx);
  if (bearer.kind === 'license') {
    const license = ctx.store.licenses.findById(ctx.account.id, bearer.id);
    const owner = license?.ownerId ? ctx.store.users.findById(ctx.account.id, license.ownerId) : null;
    if (license === null || license.suspended || (owner !== null && owner.bannedAt !== null)) throw accessDenied(true);
  }
  authorize(bearer, action, machine === undefined ? { type: 'none' } : { type: 'machine', machine });
}

/** Serializes with a per-request policy cache; `RESURRECTED` is the transient status of a reviving ping. */
function presenter(ctx: RequestContext) {
  const policies = new Map<string, Policy>();
  return (machine: Machine, status?: 'RESURRECTED'): Record<string, unknown> => {
    const resource = serializeMachine(machine, { ...ctx, policies });
    if (status === undefined) return resource;
    return { ...resource, attributes: { ...(resource.attributes as Record<string, unknown>), heartbeatStatus: status } };
  };
}

function written(result: MachineWrite): Machine {
  if (!result.ok) throw unprocessable(result.resource ?? 'machines', result.failures);
  return result.machine;
}

/**
 * The license token a request is counted against: Keygen counts activations and deactivations
 * only for license ("activation") tokens, never for admin or product tokens or a license key.
 */
function countedToken(ctx: RequestContext): Token | null {
  return ctx.bearer?.kind === 'license' ? ctx.bearer.token : null;
}

/** `DELETE /machines/:id`: counted against a license token, refused once its `maxDeactivations` is reached. */
function deactivate(ctx: RequestContext) {
  const machine = findMachine(ctx);
  authorizeMachine(ctx, 'machine.delete', machine);
  const token = countedToken(ctx);
  ctx.store.transaction(() => {
    const refused = token === null ? null : tokenLimitFailure(ctx.store.tokens.countDeactivation(token.accountId, token.id, ctx.now));
    if (refused !== null) throw unprocessable('tokens', [refused]);
    ctx.store.machines.delete(machine.id);
  });
  return noContent();
}

function createMachine(ctx: RequestContext) {
  const { data } = parseDocument(CREATE, ctx.body);
  const licenseId = data.relationships.license.data.id.toLowerCase();
  const license = ctx.store.licenses.findById(ctx.account.id, licenseId);
  // Keygen authorizes the new record before validating it: a missing license is 403 for
  // anyone but an admin, who gets the 422.
  authorizeMachine(ctx, 'machine.create', { licenseId, productId: license?.productId ?? '' });
  if (license === null) throw unprocessable('machines', [invalidRelationship('license', 'must exist', 'not_found')]);
  const policy = ctx.store.policies.findById(ctx.account.id, license.policyId) as Policy;
  const { metadata: meta, ...attributes } = data.attributes;
  const components = (data.relationships.components?.data ?? []).map(({ attributes: component }) => ({
    ...component,
    metadata: normalizeMetadata(component.metadata ?? {}),
  }));
  const request = {
    ...attributes,
    ...(data.id === undefined ? {} : { id: data.id.toLowerCase() }),
    ...(meta === undefined ? {} : { metadata: normalizeMetadata(meta) }),
    components,
  };
  const machine = written(activateMachine(ctx.store, license, policy, request, ctx.now, countedToken(ctx)));
  return created({ data: presenter(ctx)(machine) }, `${ctx.base}/machines/${machine.id}`);
}

function updateMachineRoute(ctx: RequestContext) {
  const machine = findMachine(ctx);
  authorizeMachine(ctx, 'machine.update', machine);
  const attributes: z.infer<typeof UPDATE>['data']['attributes'] =
    ctx.bearer?.kind === 'license' ? parseDocument(UPDATE_BY_LICENSE, ctx.body).data.attributes : parseDocument(UPDATE, ctx.body).data.attributes;
  const { metadata: meta, ...rest } = attributes;
  const changes = { ...rest, ...(meta === undefined ? {} : { metadata: normalizeMetadata(meta) }) };
  return ok({ data: presenter(ctx)(written(updateMachine(ctx.store, machine, changes, ctx.now))) });
}

/** Lists machines matching the query within `scope`, newest first, paginated like every Keygen list. */
function listMachines(ctx: RequestContext, scope: MachineScope) {
  const paging = parsePaging(ctx.query);
  const filter: MachineFilter = { ...machineFilterFrom(ctx.query, ctx.now), scope };
  const slice = ctx.store.machines.list(ctx.account.id, filter, paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  const present = presenter(ctx);
  return ok({ data: slice.items.map((machine) => present(machine)), ...(links ? { links } : {}) });
}

function ping(ctx: RequestContext) {
  const machine = findMachine(ctx);
  authorizeMachine(ctx, 'machine.heartbeat.ping', machine);
  const result = pingHeartbeat(ctx.store, machine, ctx.now);
  switch (result.kind) {
    case 'dead':
      throw new ApiError(422, [{ title: 'Unprocessable entity', detail: 'is dead', code: 'MACHINE_HEARTBEAT_DEAD' }]);
    case 'resurrected':
      return ok({ data: presenter(ctx)(result.machine, 'RESURRECTED') });
    case 'pinged':
      return ok({ data: presenter(ctx)(result.machine) });
  }
}

function reset(ctx: RequestContext) {
  const machine = findMachine(ctx);
  authorizeMachine(ctx, 'machine.heartbeat.reset', machine);
  return ok({ data: presenter(ctx)(resetHeartbeat(ctx.store, machine, ctx.now)) });
}

/** Routes of the machine resource, its heartbeat actions, and a license's machine list. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/machines', auth: 'required', handler: createMachine },
  {
    method: 'GET',
    path: '/machines',
    auth: 'required',
    handler: (ctx) => {
      authorizeMachine(ctx, 'machine.read');
      const scope = scopeOf(ctx);
      const license = scope.licenseId ?? machineFilterFrom(ctx.query, ctx.now).licenseId;
      if (license !== undefined) cullDeadMachines(ctx.store, license.toLowerCase(), ctx.now);
      else cullDeadMachinesInAccount(ctx.store, ctx.account.id, ctx.now);
      return listMachines(ctx, scope);
    },
  },
  {
    method: 'GET',
    path: '/machines/:id',
    auth: 'required',
    handler: (ctx) => {
      const machine = findMachine(ctx);
      authorizeMachine(ctx, 'machine.read', machine);
      return ok({ data: presenter(ctx)(machine) });
    },
  },
  { method: 'PATCH', path: '/machines/:id', auth: 'required', handler: updateMachineRoute },
  { method: 'DELETE', path: '/machines/:id', auth: 'required', handler: deactivate },
  { method: 'POST', path: '/machines/:id/actions/ping', auth: 'required', handler: ping },
  { method: 'POST', path: '/machines/:id/actions/ping-heartbeat', auth: 'required', handler: ping },
  { method: 'POST', path: '/machines/:id/actions/reset', auth: 'required', handler: reset },
  { method: 'POST', path: '/machines/:id/actions/reset-heartbeat', auth: 'required', handler: reset },
  {
    method: 'GET',
    path: '/licenses/:id/machines',
    auth: 'required',
    handler: (ctx) => {
      const license = findLicense(ctx);
      authorizeMachine(ctx, 'machine.read', { licenseId: license.id, productId: license.productId });
      cullDeadMachines(ctx.store, license.id, ctx.now);
      return listMachines(ctx, { ...scopeOf(ctx), licenseId: license.id });
    },
  },
];
