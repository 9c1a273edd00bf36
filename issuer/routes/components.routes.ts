/**
 * `/components`: add a component to a machine, list with filters, retrieve, rename or change
 * metadata, remove; a component's machine, license and product; and `/machines/:id/components`.
 * After keygen-api's `MachineComponentsController`, `MachineComponent` model and
 * `Machines::Relationships::MachineComponentsController`.
 */
import { z } from 'zod';
import { cullDeadMachines, cullDeadMachinesInAccount, machineAfterCulling } from '../domain/culling.js';
import { invalidAttribute, invalidRelationship } from '../domain/invalid.js';
import { checkMetadata } from '../domain/license-checks.js';
import { machineChildFilterFrom, type MachineChildFilter } from '../domain/machine-child-filter.js';
import { checkNewComponent, uniquenessStrategy } from '../domain/machine-checks.js';
import { normalizeMetadata } from '../domain/metadata.js';
import type { PlacedComponent } from '../domain/types.js';
import { created, noContent, ok, type RequestContext, type RouteDefinition } from '../http/context.js';
import { notFound, unprocessable } from '../http/errors.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { linkage, metadata, parseDocument } from '../http/params.js';
import { serializeComponent } from '../serializers/component.serializer.js';
import { findMachine, scopeOf } from './lookup.js';
import { authorizeMachine, findComponent } from './machine-access.js';
import { childRelationshipRoutes } from './machine-child-relationships.js';

const TYPE = z.enum(['component', 'components']);
// Keygen's typed params refuse blank strings here with 400 "cannot be blank".
const TEXT = z.string().min(1);
const CREATE = z.strictObject({
  data: z.strictObject({
    type: TYPE,
    attributes: z.strictObject({ fingerprint: TEXT, name: TEXT, metadata: metadata().optional() }),
    relationships: z.strictObject({ machine: linkage(['machine', 'machines']) }),
  }),
});
/** Admins and products may change the metadata; any bearer may rename. */
const UPDATE = z.strictObject({ data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject({ name: TEXT.optional(), metadata: metadata().optional() }) }) });
const UPDATE_BY_LICENSE = z.strictObject({ data: z.strictObject({ type: TYPE, id: z.string().optional(), attributes: z.strictObject({ name: TEXT.optional() }) }) });

function present(ctx: RequestContext, component: PlacedComponent): Record<string, unknown> {
  return serializeComponent(component, { id: component.machineId, licenseId: component.licenseId, productId: component.productId }, ctx);
}

function add(ctx: RequestContext) {
  const { data } = parseDocument(CREATE, ctx.body);
  const machine = machineAfterCulling(ctx.store, ctx.account.id, data.relationships.machine.data.id, ctx.now);
  // As for processes: authorized before validated, so a missing machine is 403 but for admins.
  authorizeMachine(ctx, 'component.create', machine ?? { licenseId: '', productId: '' });
  if (machine === null) throw unprocessable('components', [invalidRelationship('machine', 'must exist', 'not_found')]);
  const policy = ctx.store.policies.findById(ctx.account.id, machine.policyId);
  const { fingerprint, name, metadata: meta } = data.attributes;
  const failures = [
    ...checkNewComponent({ fingerprint, name }, { id: machine.licenseId, policyId: machine.policyId, productId: machine.productId }, uniquenessStrategy(policy?.attributes.componentUniquenessStrategy, 'UNIQUE_PER_MACHINE'), {
      takenOnMachine: (candidate) => ctx.store.components.takenOnMachine(machine.id, candidate),
      componentTaken: (candidate, scope) => ctx.store.machines.componentFingerprintTaken(ctx.account.id, candidate, scope),
    }),
    ...checkMetadata(meta),
  ];
  if (failures.length > 0) throw unprocessable('components', failures);
  const component = ctx.store.components.create(machine, { fingerprint, name, ...(meta === undefined ? {} : { metadata: normalizeMetadata(meta) }) }, ctx.now);
  return created({ data: present(ctx, component) }, `${ctx.base}/components/${component.id}`);
}

/** Lists components matching `filter`, newest first, paginated like every Keygen list. */
function listComponents(ctx: RequestContext, filter: MachineChildFilter) {
  const paging = parsePaging(ctx.query);
  const slice = ctx.store.components.list(ctx.account.id, filter, paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  return ok({ data: slice.items.map((component) => present(ctx, component)), ...(links ? { links } : {}) });
}

function update(ctx: RequestContext) {
  const component = findComponent(ctx);
  authorizeMachine(ctx, 'component.update', component);
  const attributes: z.infer<typeof UPDATE>['data']['attributes'] =
    ctx.bearer?.kind === 'license' ? parseDocument(UPDATE_BY_LICENSE, ctx.body).data.attributes : parseDocument(UPDATE, ctx.body).data.attributes;
  const meta = attributes.metadata;
  const failures = [...(attributes.name !== undefined && attributes.name.trim() === '' ? [invalidAttribute('name', "can't be blank", 'missing')] : []), ...checkMetadata(meta)];
  if (failures.length > 0) throw unprocessable('components', failures);
  const changes = { ...(attributes.name === undefined ? {} : { name: attributes.name }), ...(meta === undefined ? {} : { metadata: normalizeMetadata(meta) }) };
  return ok({ data: present(ctx, ctx.store.components.update(component, changes, ctx.now)) });
}

/** Routes of the component resource, its relationships, and a machine's component list. */
export const routes: readonly RouteDefinition[] = [
  { method: 'POST', path: '/components', auth: 'required', handler: add },
  {
    method: 'GET',
    path: '/components',
    auth: 'required',
    handler: (ctx) => {
      authorizeMachine(ctx, 'component.read');
      const scope = scopeOf(ctx);
      const filter = machineChildFilterFrom(ctx.query, ctx.now, false);
      // Culled machines take their components with them.
      const license = scope.licenseId ?? filter.licenseId;
      if (license !== undefined) cullDeadMachines(ctx.store, license.toLowerCase(), ctx.now);
      else cullDeadMachinesInAccount(ctx.store, ctx.account.id, ctx.now);
      return listComponents(ctx, { ...filter, scope });
    },
  },
  {
    method: 'GET',
    path: '/components/:id',
    auth: 'required',
    handler: (ctx) => {
      const component = findComponent(ctx);
      authorizeMachine(ctx, 'component.read', component);
      return ok({ data: present(ctx, component) });
    },
  },
  { method: 'PATCH', path: '/components/:id', auth: 'required', handler: update },
  {
    method: 'DELETE',
    path: '/components/:id',
    auth: 'required',
    handler: (ctx) => {
      const component = findComponent(ctx);
      authorizeMachine(ctx, 'component.delete', component);
      ctx.store.components.delete(component.id);
      return noContent();
    },
  },
  ...childRelationshipRoutes('components', (ctx) => findComponent(ctx)),
  {
    method: 'GET',
    path: '/machines/:id/components',
    auth: 'required',
    handler: (ctx) => {
      const machine = findMachine(ctx);
      authorizeMachine(ctx, 'component.read', machine);
      return listComponents(ctx, { now: ctx.now, machineId: machine.id });
    },
  },
  {
    method: 'GET',
    path: '/machines/:id/components/:component',
    auth: 'required',
    handler: (ctx) => {
      const machine = findMachine(ctx);
      authorizeMachine(ctx, 'component.read', machine);
      const id = ctx.params.component ?? '';
      const component = ctx.store.components.findInScope(ctx.account.id, id, { licenseId: machine.licenseId });
      if (component === null || component.machineId !== machine.id) throw notFound('machine component', id);
      return ok({ data: present(ctx, component) });
    },
  },
];
