/**
 * Who may touch a machine and what belongs to it (its processes and components), and finding
 * those children within the bearer's scope. Out of scope is a 404 (Keygen's
 * `authorized_scope(…).find`), in scope but not allowed a 403.
 */
import { cullDeadMachines } from '../domain/culling.js';
import type { Machine, MachineProcess, PlacedComponent } from '../domain/types.js';
import { bearerOf, type RequestContext } from '../http/context.js';
import { accessDenied, notFound } from '../http/errors.js';
import { authorize, type Action, type Target } from '../http/permissions.js';
import { scopeOf } from './lookup.js';

/**
 * `authorize`, plus Keygen's `verify_permissions!` for license bearers: a license that is
 * suspended, or whose owner is banned, may do nothing even with a valid license token.
 */
export function authorizeBearer(ctx: RequestContext, action: Action, target: Target = { type: 'none' }): void {
  const bearer = bearerOf(ctx);
  if (bearer.kind === 'license') {
    const license = ctx.store.licenses.findById(ctx.account.id, bearer.id);
    const owner = license?.ownerId ? ctx.store.users.findById(ctx.account.id, license.ownerId) : null;
    if (license === null || license.suspended || (owner !== null && owner.bannedAt !== null)) throw accessDenied(true);
  }
  authorize(bearer, action, target);
}

/** `authorizeBearer` on a machine, or on what belongs to it (a process or component is authorized through its machine). */
export function authorizeMachine(ctx: RequestContext, action: Action, machine?: Pick<Machine, 'licenseId' | 'productId'>): void {
  authorizeBearer(ctx, action, machine === undefined ? { type: 'none' } : { type: 'machine', machine });
}

/**
 * The process at `param` (a UUID) within the bearer's scope; else 404 with Keygen's model name
 * ("machine process"). Dead machines and processes of its license are culled first, so a culled
 * process is gone here too.
 */
export function findProcess(ctx: RequestContext, param = 'id'): MachineProcess {
  const id = ctx.params[param] ?? '';
  const found = ctx.store.processes.findInScope(ctx.account.id, id, scopeOf(ctx));
  if (found !== null) cullDeadMachines(ctx.store, found.licenseId, ctx.now);
  const process = found === null ? null : ctx.store.processes.findById(ctx.account.id, found.id);
  if (process === null) throw notFound('machine process', id);
  return process;
}

/** The component at `param` (a UUID) within the bearer's scope; else 404 ("machine component"). */
export function findComponent(ctx: RequestContext, param = 'id'): PlacedComponent {
  const id = ctx.params[param] ?? '';
  const component = ctx.store.components.findInScope(ctx.account.id, id, scopeOf(ctx));
  if (component === null) throw notFound('machine component', id);
  return component;
}
