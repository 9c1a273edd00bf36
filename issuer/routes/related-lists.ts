/**
 * The lists behind to-many relationship links (`/products/:id/licenses`, `/users/:id/machines`,
 * `/groups/:id/users`, …): the same lists as `/licenses`, `/machines`, `/users`, with their
 * query filters, Keygen's paging and the bearer's scope, narrowed to the parent record, as
 * keygen-api's `<resource>/relationships/<related>_controller.rb` index actions narrow `authorized_scope`.
 */
import type { LicenseFilter } from '../db/license-filters.js';
import type { Slice, Window } from '../db/paging.js';
import { cullDeadMachinesInAccount } from '../domain/culling.js';
import { machineFilterFrom, type MachineFilter } from '../domain/machine-filter.js';
import type { Policy } from '../domain/types.js';
import { ok, type Reply, type RequestContext } from '../http/context.js';
import { paginationLinks, parsePaging } from '../http/pagination.js';
import { serializeLicense } from '../serializers/license.serializer.js';
import { serializeMachine } from '../serializers/machine.serializer.js';
import { licenseFilterFrom } from './license-list-query.js';
import { scopeOf } from './lookup.js';

/** What narrows a license list to its parent. */
export type LicenseNarrowing = Pick<LicenseFilter, 'productId' | 'policyId' | 'groupId' | 'user'>;
/** What narrows a machine list to its parent. */
export type MachineNarrowing = Pick<MachineFilter, 'productId' | 'groupId' | 'user'>;

/** A paginated list document (`links` only in page mode, as Keygen sends them). */
export function pageReply<T>(ctx: RequestContext, list: (window: Window) => Slice<T>, serialize: (item: T) => unknown): Reply {
  const paging = parsePaging(ctx.query);
  const slice = list(paging.window);
  const links = paginationLinks(ctx.path, ctx.query, paging, slice.total);
  return ok({ data: slice.items.map(serialize), ...(links ? { links } : {}) });
}

/** An empty list: a collection the issuer does not keep, answered as Keygen answers an account that has none of it. */
export function emptyReply(ctx: RequestContext): Reply {
  return pageReply(ctx, () => ({ items: [], total: 0 }), (item: never) => item);
}

/** The licenses of a parent record, with the `/licenses` filters of the query. */
export function licensesReply(ctx: RequestContext, narrowing: LicenseNarrowing): Reply {
  const filter: LicenseFilter = { ...licenseFilterFrom(ctx.query, ctx.now), ...narrowing, scope: scopeOf(ctx) };
  const policies = new Map<string, Policy>();
  return pageReply(
    ctx,
    (window) => ctx.store.licenses.list(ctx.account.id, filter, window),
    (license) => serializeLicense(license, { ...ctx, policies }),
  );
}

/** The machines of a parent record, with the `/machines` filters of the query; dead machines are culled first. */
export function machinesReply(ctx: RequestContext, narrowing: MachineNarrowing): Reply {
  cullDeadMachinesInAccount(ctx.store, ctx.account.id, ctx.now);
  const filter: MachineFilter = { ...machineFilterFrom(ctx.query, ctx.now), ...narrowing, scope: scopeOf(ctx) };
  const policies = new Map<string, Policy>();
  return pageReply(
    ctx,
    (window) => ctx.store.machines.list(ctx.account.id, filter, window),
    (machine) => serializeMachine(machine, { ...ctx, policies }),
  );
}
