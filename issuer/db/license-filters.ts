/**
 * The license list filters (`GET /licenses?…`) as SQL, following the scopes of Keygen's License
 * model: `expires`, `expired`, `expiring`, `activity`, `status`, `assigned`, `activated`,
 * `activations`, the relationship filters and `metadata`. The HTTP layer parses the query
 * string into a `LicenseFilter` (times resolved to milliseconds); this module only builds SQL.
 */
import { whereBuilder, type Filtered } from './paging.js';

/** A closed time interval; either end may be open. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

export type Comparison = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

/** Every filter of the licenses list, already parsed. Absent means "not filtered". */
export interface LicenseFilter {
  /** The request time: every relative filter is computed from it. */
  readonly now: number;
  /** Set when a filter value can match nothing (Keygen answers an empty list, not an error). */
  readonly none?: boolean;
  /** Bearer scoping: a product sees its licenses, a license sees itself. */
  readonly scope?: { readonly productId?: string; readonly licenseId?: string };
  readonly productId?: string;
  readonly policyId?: string;
  readonly groupId?: string;
  readonly machineId?: string;
  /** UUID or email. */
  readonly owner?: string;
  /** UUID or email; matches the owner and attached users. */
  readonly user?: string;
  readonly status?: 'ACTIVE' | 'INACTIVE' | 'EXPIRING' | 'EXPIRED' | 'SUSPENDED' | 'BANNED';
  /** Licenses expiring inside the range, and not yet expired. */
  readonly expires?: TimeRange;
  /** `true`/`false`, or licenses that expired inside the range. */
  readonly expired?: boolean | TimeRange;
  readonly expiring?: boolean;
  readonly suspended?: boolean;
  /** Active (some activity at or after `since`) or inactive (none since). */
  readonly activity?: { readonly active: boolean; readonly since: number };
  readonly assigned?: boolean;
  readonly activated?: boolean;
  readonly activations?: { readonly op: Comparison; readonly value: number };
  /** Keys camelCased; each value is matched as given and as its JSON type (`true`, `12`, …). */
  readonly metadata?: Readonly<Record<string, string>>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Keygen's "active" window for `status` (90 days) and `EXPIRING` (3 days). */
const ACTIVE_WINDOW_MS = 90 * 86_400_000;
const EXPIRING_WINDOW_MS = 3 * 86_400_000;

const MACHINE_COUNT = '(SELECT COUNT(*) FROM machines m WHERE m.license_id = t.id)';
const OWNER_NOT_BANNED = '(t.owner_id IS NULL OR NOT EXISTS (SELECT 1 FROM users o WHERE o.id = t.owner_id AND o.banned_at IS NOT NULL))';
const OWNER_BANNED = 'EXISTS (SELECT 1 FROM users o WHERE o.id = t.owner_id AND o.banned_at IS NOT NULL)';
const HAS_USERS = 'EXISTS (SELECT 1 FROM license_users lu WHERE lu.license_id = t.id)';
const OPERATORS: Readonly<Record<Comparison, string>> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

/** Builds `FROM licenses t WHERE …` for the filter. */
export function licenseQuery(accountId: string, filter: LicenseFilter): Filtered {
  const { where, params, bind } = whereBuilder(accountId, filter.now);
  if (filter.none) where.push('0');
  if (filter.scope?.productId !== undefined) where.push(`t.product_id = ${bind(filter.scope.productId)}`);
  if (filter.scope?.licenseId !== undefined) where.push(`t.id = ${bind(filter.scope.licenseId)}`);

  for (const [column, value] of [
    ['t.product_id', filter.productId],
    ['t.policy_id', filter.policyId],
    ['t.group_id', filter.groupId],
  ] as const) {
    if (value !== undefined) where.push(UUID_RE.test(value) ? `${column} = ${bind(value.toLowerCase())}` : '0');
  }
  if (filter.machineId !== undefined) {
    where.push(UUID_RE.test(filter.machineId) ? `t.id IN (SELECT license_id FROM machines WHERE id = ${bind(filter.machineId.toLowerCase())})` : '0');
  }
  if (filter.owner !== undefined) {
    where.push(
      UUID_RE.test(filter.owner)
        ? `t.owner_id = ${bind(filter.owner.toLowerCase())}`
        : `t.owner_id IN (SELECT id FROM users WHERE account_id = @account AND email = ${bind(filter.owner.toLowerCase())})`,
    );
  }
  if (filter.user !== undefined) {
    const users = UUID_RE.test(filter.user)
      ? `(${bind(filter.user.toLowerCase())})`
      : `(SELECT id FROM users WHERE account_id = @account AND email = ${bind(filter.user.toLowerCase())})`;
    where.push(`(t.owner_id IN ${users} OR t.id IN (SELECT license_id FROM license_users WHERE user_id IN ${users}))`);
  }
  if (filter.status !== undefined) where.push(statusCondition(filter.status, filter.now));
  if (filter.expires !== undefined) {
    where.push('t.expiry IS NOT NULL AND t.expiry >= @now');
    if (filter.expires.from !== undefined) where.push(`t.expiry >= ${bind(filter.expires.from)}`);
    if (filter.expires.to !== undefined) where.push(`t.expiry <= ${bind(filter.expires.to)}`);
  }
  if (typeof filter.expired === 'boolean') {
    where.push(filter.expired ? '(t.expiry IS NOT NULL AND t.expiry < @now)' : '(t.expiry IS NULL OR t.expiry >= @now)');
  } else if (filter.expired !== undefined) {
    where.push('t.expiry IS NOT NULL AND t.expiry < @now');
    if (filter.expired.from !== undefined) where.push(`t.expiry >= ${bind(filter.expired.from)}`);
    if (filter.expired.to !== undefined) where.push(`t.expiry <= ${bind(filter.expired.to)}`);
  }
  if (filter.expiring !== undefined) {
    const soon = bind(filter.now + EXPIRING_WINDOW_MS);
    where.push(
      filter.expiring
        ? `(t.expiry IS NOT NULL AND t.expiry > @now AND t.expiry < ${soon})`
        : `(t.expiry IS NULL OR t.expiry < @now OR t.expiry > ${soon})`,
    );
  }
  if (filter.suspended !== undefined) where.push(`t.suspended = ${filter.suspended ? 1 : 0}`);
  if (filter.activity !== undefined) where.push(activityCondition(filter.activity.active, bind(filter.activity.since)));
  if (filter.assigned !== undefined) {
    where.push(filter.assigned ? `(t.owner_id IS NOT NULL OR ${HAS_USERS})` : `(t.owner_id IS NULL AND NOT ${HAS_USERS})`);
  }
  if (filter.activated !== undefined) where.push(filter.activated ? `${MACHINE_COUNT} >= 1` : `${MACHINE_COUNT} <= 0`);
  if (filter.activations !== undefined) {
    where.push(`${MACHINE_COUNT} ${OPERATORS[filter.activations.op]} ${bind(filter.activations.value)}`);
  }
  for (const [key, value] of Object.entries(filter.metadata ?? {})) where.push(metadataCondition(bind(`$."${key.replace(/"/g, '')}"`), value, bind));

  return { from: `FROM licenses t WHERE ${where.join(' AND ')}`, params };
}

/** Keygen's `active(t)` scope: created, validated, checked out or checked in at or after `since`. */
function activityCondition(active: boolean, since: string): string {
  const columns = ['t.created_at', 't.last_validated_at', 't.last_check_out_at', 't.last_check_in_at'];
  const body = active
    ? columns.map((c) => `(${c} IS NOT NULL AND ${c} >= ${since})`).join(' OR ')
    : columns.map((c) => `(${c} IS NULL OR ${c} < ${since})`).join(' AND ');
  return `(${OWNER_NOT_BANNED} AND (${body}))`;
}

function statusCondition(status: NonNullable<LicenseFilter['status']>, now: number): string {
  const since = String(now - ACTIVE_WINDOW_MS);
  switch (status) {
    case 'BANNED':
      return OWNER_BANNED;
    case 'SUSPENDED':
      return 't.suspended = 1';
    case 'EXPIRED':
      return '(t.expiry IS NOT NULL AND t.expiry < @now)';
    case 'EXPIRING':
      return `(t.expiry IS NOT NULL AND t.expiry > @now AND t.expiry < ${now + EXPIRING_WINDOW_MS})`;
    case 'INACTIVE':
      return activityCondition(false, since);
    case 'ACTIVE':
      return activityCondition(true, since);
  }
}

/**
 * Query strings carry only strings, so, like Keygen, a value matches either the string itself
 * or its JSON reading: `true`/`false`/`null`, an integer, or a decimal.
 */
function metadataCondition(path: string, value: string, bind: (value: unknown) => string): string {
  const typeOf = `json_type(t.metadata, ${path})`;
  const valueOf = `json_extract(t.metadata, ${path})`;
  const asString = `(${typeOf} = 'text' AND ${valueOf} = ${bind(value)})`;
  let typed: string | null = null;
  if (value === 'true' || value === 'false' || value === 'null') typed = `${typeOf} = '${value}'`;
  else if (/^\d+$/.test(value)) typed = `(${typeOf} = 'integer' AND ${valueOf} = ${bind(Number(value))})`;
  else if (/^\d+\.\d+$/.test(value)) typed = `(${typeOf} = 'real' AND ${valueOf} = ${bind(Number(value))})`;
  return typed === null ? asString : `(${asString} OR ${typed})`;
}
