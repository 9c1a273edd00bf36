/**
 * SQL shared by the repositories of a machine's children (processes and components): each row
 * read together with its machine's license, policy, product and owner, and the list query over
 * `machine-child-filter.ts`. Relationship filters go through the machine and its license, as
 * Keygen's `for_*` scopes join through `machine` and `license`.
 */
import { DEFAULT_HEARTBEAT_DURATION_SECONDS } from '../domain/license-status.js';
import type { MachineChildFilter } from '../domain/machine-child-filter.js';
import type { MachineScope } from './machines.repo.js';
import { whereBuilder, type Filtered } from './paging.js';

/** The tables whose rows belong to a machine. */
export type MachineChildTable = 'processes' | 'components';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The child with this id (any case) when it is in `scope` (a product's or a license's); else
 * null. Ids that are not UUIDs are not looked up: they never name a child.
 */
export function findChildInScope<T extends { readonly productId: string; readonly licenseId: string }>(
  id: string,
  scope: MachineScope,
  findById: (id: string) => T | null,
): T | null {
  const found = UUID_RE.test(id) ? findById(id.toLowerCase()) : null;
  if (found === null) return null;
  const inScope = (scope.productId === undefined || found.productId === scope.productId) && (scope.licenseId === undefined || found.licenseId === scope.licenseId);
  return inScope ? found : null;
}

/**
 * `(SELECT …) t`: the child rows with their machine's placement as columns. The explicit
 * `rowid` keeps `selectSlice`'s tie-break working through the subquery.
 */
export function placedRows(table: MachineChildTable): string {
  return `(SELECT c.rowid AS rowid, c.*, m.license_id AS license_id, m.policy_id AS policy_id, m.product_id AS product_id, m.owner_id AS owner_id
           FROM ${table} c JOIN machines m ON m.id = c.machine_id) t`;
}

/** Keygen's `MachineProcess.alive`/`dead` scopes: the last ping within the policy's heartbeat duration (600 s by default). */
function processStatusCondition(status: 'ALIVE' | 'DEAD'): string {
  const comparison = status === 'ALIVE' ? '>=' : '<';
  return `EXISTS (SELECT 1 FROM policies p WHERE p.id = t.policy_id
            AND COALESCE(t.last_heartbeat_at, t.created_at) ${comparison} @now - COALESCE(p.heartbeat_duration, ${DEFAULT_HEARTBEAT_DURATION_SECONDS}) * 1000)`;
}

/** `FROM … WHERE …` for a filtered list of `table` in one account. */
export function machineChildQuery(table: MachineChildTable, accountId: string, filter: MachineChildFilter): Filtered {
  const { where, params, bind } = whereBuilder(accountId, filter.now);
  // A non-UUID id can match no row (Keygen's UUID columns would not cast it).
  const uuid = (value: string, condition: (bound: string) => string): string => (UUID_RE.test(value) ? condition(bind(value.toLowerCase())) : '0');

  if (filter.none) where.push('0');
  if (filter.scope?.productId !== undefined) where.push(`t.product_id = ${bind(filter.scope.productId)}`);
  if (filter.scope?.licenseId !== undefined) where.push(`t.license_id = ${bind(filter.scope.licenseId)}`);
  if (filter.machineId !== undefined) where.push(uuid(filter.machineId, (id) => `t.machine_id = ${id}`));
  if (filter.licenseId !== undefined) where.push(uuid(filter.licenseId, (id) => `t.license_id = ${id}`));
  if (filter.productId !== undefined) where.push(uuid(filter.productId, (id) => `t.product_id = ${id}`));
  if (filter.user !== undefined) {
    const users = UUID_RE.test(filter.user)
      ? `(${bind(filter.user.toLowerCase())})`
      : `(SELECT id FROM users WHERE account_id = @account AND email = ${bind(filter.user.toLowerCase())})`;
    where.push(
      `t.license_id IN (SELECT l.id FROM licenses l WHERE l.account_id = @account
         AND (l.owner_id IN ${users} OR l.id IN (SELECT license_id FROM license_users WHERE user_id IN ${users})))`,
    );
  }
  if (filter.status !== undefined && table === 'processes') where.push(processStatusCondition(filter.status));
  return { from: `FROM ${placedRows(table)} WHERE ${where.join(' AND ')}`, params };
}
