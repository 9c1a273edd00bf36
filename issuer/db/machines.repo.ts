/**
 * Machines and their components: lookups by id or fingerprint (optionally within a bearer's
 * scope), a license's machines and their usage (for validation, limits and the seat list), the
 * list query, fingerprint uniqueness at each of Keygen's scopes, updates and deletes.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_HEARTBEAT_DURATION_SECONDS } from '../domain/license-status.js';
import type { MachineFilter } from '../domain/machine-filter.js';
import type { Component, Machine, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import { selectSlice, whereBuilder, type Filtered, type Slice, type Window } from './paging.js';
import { assignments, toMetadata, toNullableNumber, toNullableString, type Row } from './rows.js';
import { prepared } from './statements.js';

function toMachine(row: Row): Machine {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    licenseId: String(row.license_id),
    policyId: String(row.policy_id),
    productId: String(row.product_id),
    ownerId: toNullableString(row.owner_id),
    fingerprint: String(row.fingerprint),
    name: toNullableString(row.name),
    ip: toNullableString(row.ip),
    hostname: toNullableString(row.hostname),
    platform: toNullableString(row.platform),
    cores: toNullableNumber(row.cores),
    memory: toNullableNumber(row.memory),
    disk: toNullableNumber(row.disk),
    maxProcessesOverride: toNullableNumber(row.max_processes_override),
    lastHeartbeatAt: toNullableNumber(row.last_heartbeat_at),
    lastDeathEventAt: toNullableNumber(row.last_death_event_at),
    lastCheckOutAt: toNullableNumber(row.last_check_out_at),
    lastValidatedAt: toNullableNumber(row.last_validated_at),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

function toComponent(row: Row): Component {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    machineId: String(row.machine_id),
    fingerprint: String(row.fingerprint),
    name: String(row.name),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What a new machine is made of; the license supplies policy, product and owner. */
export interface NewMachine {
  /** A client-chosen UUID (lowercase); random when absent. */
  readonly id?: string;
  readonly fingerprint: string;
  readonly name?: string | null;
  readonly ip?: string | null;
  readonly hostname?: string | null;
  readonly platform?: string | null;
  readonly cores?: number | null;
  readonly memory?: number | null;
  readonly disk?: number | null;
  readonly metadata?: Metadata;
  /** Set at creation under the FROM_CREATION heartbeat basis. */
  readonly lastHeartbeatAt?: number | null;
}

/** A component attached to a new machine. */
export interface NewComponent {
  readonly fingerprint: string;
  readonly name: string;
  readonly metadata?: Metadata;
}

/** Columns a machine update may change, by domain field name. */
const UPDATABLE = {
  name: 'name',
  ip: 'ip',
  hostname: 'hostname',
  platform: 'platform',
  cores: 'cores',
  memory: 'memory',
  disk: 'disk',
  metadata: 'metadata',
  lastHeartbeatAt: 'last_heartbeat_at',
  lastDeathEventAt: 'last_death_event_at',
  lastCheckOutAt: 'last_check_out_at',
  lastValidatedAt: 'last_validated_at',
} as const;

/** A partial update, by domain field name. */
export type MachineChanges = Partial<Pick<Machine, keyof typeof UPDATABLE>>;

/** Where a fingerprint must be unique (a policy's machine or component uniqueness strategy). */
export type UniquenessScope =
  | { readonly kind: 'account' }
  | { readonly kind: 'product'; readonly productId: string }
  | { readonly kind: 'policy'; readonly policyId: string }
  | { readonly kind: 'license'; readonly licenseId: string };

/** Totals over a license's machines: the inputs of its machine, core, memory and disk limits. */
export interface MachineUsage {
  readonly count: number;
  readonly cores: number;
  readonly memory: number;
  readonly disk: number;
}

/** Which machines heartbeat culling looks at: one license's, or a whole account's. */
export type CullScope = { readonly licenseId: string } | { readonly accountId: string };

/** Which machines a bearer may see: a product's, a license's, or (neither set) the whole account. */
export interface MachineScope {
  readonly productId?: string;
  readonly licenseId?: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Repository of machines. */
export class MachinesRepo {
  private readonly byId;
  private readonly byIdOnly;
  private readonly insert;
  private readonly insertComponent;
  private readonly usageFor;
  private readonly byFingerprint;
  private readonly forLicense;
  private readonly componentsOf;
  private readonly componentRows;
  private readonly processesPerMachine;
  private readonly remove;
  private readonly validatedBy;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM machines WHERE account_id = ? AND id = ?');
    this.byIdOnly = db.prepare('SELECT * FROM machines WHERE id = ?');
    this.byFingerprint = db.prepare('SELECT * FROM machines WHERE account_id = ? AND fingerprint = ? ORDER BY created_at, rowid');
    this.forLicense = db.prepare('SELECT * FROM machines WHERE license_id = ? ORDER BY created_at, rowid');
    this.componentsOf = db.prepare('SELECT fingerprint FROM components WHERE machine_id = ? ORDER BY created_at, rowid');
    this.componentRows = db.prepare('SELECT * FROM components WHERE machine_id = ? ORDER BY created_at, rowid');
    this.processesPerMachine = db.prepare(
      'SELECT p.machine_id AS machine_id, COUNT(*) AS n FROM processes p JOIN machines m ON m.id = p.machine_id WHERE m.license_id = ? GROUP BY p.machine_id',
    );
    // Kept by triggers (migration 4): one row read, however many machines the license has.
    this.usageFor = db.prepare('SELECT machines AS n, cores, memory, disk FROM license_machine_usage WHERE license_id = ?');
    this.validatedBy = db.prepare('UPDATE machines SET last_validated_at = @now WHERE license_id = @license AND fingerprint = @fingerprint');
    this.remove = db.prepare('DELETE FROM machines WHERE id = ?');
    this.insert = db.prepare(
      `INSERT INTO machines (id, account_id, license_id, policy_id, product_id, owner_id, fingerprint, name, ip, hostname, platform,
                            cores, memory, disk, last_heartbeat_at, metadata, created_at, updated_at)
       SELECT @id, l.account_id, l.id, l.policy_id, l.product_id, l.owner_id, @fingerprint, @name, @ip, @hostname, @platform,
              @cores, @memory, @disk, @last_heartbeat_at, @metadata, @now, @now
       FROM licenses l WHERE l.id = @license_id`,
    );
    this.insertComponent = db.prepare(
      `INSERT INTO components (id, account_id, machine_id, fingerprint, name, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @machine_id, @fingerprint, @name, @metadata, @now, @now)`,
    );
  }

  /**
   * Inserts a machine for a license. Throws on a duplicate fingerprint within the license
   * (the schema's UNIQUE constraint); wider uniqueness is the caller's to check.
   */
  create(licenseId: string, input: NewMachine, now: number): Machine {
    const id = input.id ?? randomUUID();
    const result = this.insert.run({
      id,
      license_id: licenseId,
      fingerprint: input.fingerprint,
      name: input.name ?? null,
      ip: input.ip ?? null,
      hostname: input.hostname ?? null,
      platform: input.platform ?? null,
      cores: input.cores ?? null,
      memory: input.memory ?? null,
      disk: input.disk ?? null,
      last_heartbeat_at: input.lastHeartbeatAt ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    if (result.changes !== 1) throw new Error(`no license ${licenseId} to attach a machine to`);
    return toMachine(this.byIdOnly.get(id) as Row);
  }

  /** Attaches components to a machine, in order. Throws on a duplicate fingerprint within the machine. */
  addComponents(machine: Machine, components: readonly NewComponent[], now: number): void {
    for (const component of components) {
      this.insertComponent.run({
        id: randomUUID(),
        account_id: machine.accountId,
        machine_id: machine.id,
        fingerprint: component.fingerprint,
        name: component.name,
        metadata: JSON.stringify(component.metadata ?? {}),
        now,
      });
    }
  }

  findById(accountId: string, id: string): Machine | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toMachine(row) : null;
  }

  /** Whether any machine, in any account, has this id (ids are primary keys across accounts). */
  idTaken(id: string): boolean {
    return this.byIdOnly.get(id) !== undefined;
  }

  /** Machine count and total cores of a license (the `machines` relationship meta). */
  countForLicense(licenseId: string): { count: number; cores: number } {
    const { count, cores } = this.usageForLicense(licenseId);
    return { count, cores };
  }

  /** Machine count and total cores, memory and disk of a license. */
  usageForLicense(licenseId: string): MachineUsage {
    const row = (this.usageFor.get(licenseId) as { n: number; cores: number; memory: number; disk: number } | undefined) ?? { n: 0, cores: 0, memory: 0, disk: 0 };
    return { count: Number(row.n), cores: Number(row.cores), memory: Number(row.memory), disk: Number(row.disk) };
  }

  /**
   * A machine by UUID, else by fingerprint (Keygen's `:id` accepts both). Fingerprints are
   * unique per license only, so `licenseId` narrows a fingerprint lookup to one license; without
   * it the oldest machine with that fingerprint wins.
   */
  findByIdOrFingerprint(accountId: string, identifier: string, licenseId?: string): Machine | null {
    const byId = this.findById(accountId, identifier.toLowerCase());
    if (byId !== null && (licenseId === undefined || byId.licenseId === licenseId)) return byId;
    const rows = this.byFingerprint.all(accountId, identifier) as Row[];
    const row = licenseId === undefined ? rows[0] : rows.find((candidate) => candidate.license_id === licenseId);
    return row ? toMachine(row) : null;
  }

  /**
   * Like `findByIdOrFingerprint`, within a bearer's scope (Keygen's `FindByAliasService` over
   * `authorized_scope`): a machine outside it is not found, even when another one in scope
   * shares the fingerprint.
   */
  findInScope(accountId: string, identifier: string, scope: MachineScope): Machine | null {
    const inScope = (machine: Machine): boolean =>
      (scope.productId === undefined || machine.productId === scope.productId) && (scope.licenseId === undefined || machine.licenseId === scope.licenseId);
    const byId = UUID_RE.test(identifier) ? this.findById(accountId, identifier.toLowerCase()) : null;
    if (byId !== null && inScope(byId)) return byId;
    return (this.byFingerprint.all(accountId, identifier) as Row[]).map(toMachine).find(inScope) ?? null;
  }

  /** Every machine of a license, oldest first. */
  allForLicense(licenseId: string): Machine[] {
    return (this.forLicense.all(licenseId) as Row[]).map(toMachine);
  }

  /** A machine's components, oldest first. */
  components(machineId: string): Component[] {
    return (this.componentRows.all(machineId) as Row[]).map(toComponent);
  }

  /** Processes per machine of a license (every process row, alive or not, as Keygen counts them). */
  processCounts(licenseId: string): ReadonlyMap<string, number> {
    const rows = this.processesPerMachine.all(licenseId) as { machine_id: string; n: number }[];
    return new Map(rows.map((row) => [row.machine_id, Number(row.n)]));
  }

  /** Fingerprints of a machine's components, oldest first. */
  componentFingerprints(machineId: string): string[] {
    return (this.componentsOf.all(machineId) as { fingerprint: string }[]).map((row) => row.fingerprint);
  }

  /** Whether a machine in `scope` already has this fingerprint (Keygen's machine uniqueness strategies). */
  fingerprintTaken(accountId: string, fingerprint: string, scope: UniquenessScope): boolean {
    const { clause, value } = scopeClause(scope);
    const sql = `SELECT 1 FROM machines m JOIN licenses l ON l.id = m.license_id WHERE m.account_id = ? AND m.fingerprint = ?${clause} LIMIT 1`;
    return prepared(this.db, sql).get(...[accountId, fingerprint, ...value]) !== undefined;
  }

  /** Whether a component in `scope` already has this fingerprint (Keygen's component uniqueness strategies). */
  componentFingerprintTaken(accountId: string, fingerprint: string, scope: UniquenessScope): boolean {
    const { clause, value } = scopeClause(scope);
    const sql = `SELECT 1 FROM components c JOIN machines m ON m.id = c.machine_id JOIN licenses l ON l.id = m.license_id
                 WHERE c.account_id = ? AND c.fingerprint = ?${clause} LIMIT 1`;
    return prepared(this.db, sql).get(...[accountId, fingerprint, ...value]) !== undefined;
  }

  /** Applies a partial update; bumps `updated` (as Keygen's `update!` does for pings and resets too). */
  update(machine: Machine, changes: MachineChanges, now: number): Machine {
    const row: Record<string, unknown> = { id: machine.id, updated_at: now };
    const columns: string[] = ['updated_at'];
    for (const [field, column] of Object.entries(UPDATABLE)) {
      const value = (changes as Record<string, unknown>)[field];
      if (value === undefined) continue;
      columns.push(column);
      row[column] = field === 'metadata' ? JSON.stringify(value ?? {}) : value;
    }
    prepared(this.db, `UPDATE machines SET ${assignments(columns)} WHERE id = @id`).run(row);
    return toMachine(this.byIdOnly.get(machine.id) as Row);
  }

  /**
   * Records that a validation named these fingerprints of the license, without touching
   * `updated` (a validation reads the machine, it does not change it).
   */
  recordValidation(licenseId: string, fingerprints: readonly string[], now: number): void {
    for (const fingerprint of new Set(fingerprints)) this.validatedBy.run({ license: licenseId, fingerprint, now });
  }

  /** Deletes machines by id (components and processes cascade); returns how many existed. */
  delete(...machineIds: readonly string[]): number {
    let removed = 0;
    for (const id of machineIds) removed += this.remove.run(id).changes;
    return removed;
  }

  /**
   * Machines whose heartbeat the culling may end: their policy deactivates dead machines, they
   * require a heartbeat (policy) or have started one, and their last sign of life (last
   * heartbeat, else creation) is older than `now` less their policy's heartbeat window and
   * `graceMs`. The caller decides which are dead; this only narrows the search, so that a
   * license with many live machines is not read row by row on every activation.
   */
  cullCandidates(scope: CullScope, now: number, graceMs: number): Machine[] {
    const window = `CASE WHEN p.heartbeat_duration > 0 THEN p.heartbeat_duration ELSE ${DEFAULT_HEARTBEAT_DURATION_SECONDS} END * 1000`;
    const conditions = `p.heartbeat_cull_strategy = 'DEACTIVATE_DEAD'
                   AND COALESCE(m.last_heartbeat_at, m.created_at) < @now - @grace - ${window}
                   AND (p.require_heartbeat = 1 OR m.last_heartbeat_at IS NOT NULL)`;
    // For one license: the license's policy first (CROSS JOIN keeps that order), then a range on
    // machines_license_last_sign, whose expression this one matches exactly.
    const sql =
      'licenseId' in scope
        ? `SELECT m.* FROM policies p CROSS JOIN machines m
           WHERE p.id = (SELECT policy_id FROM licenses WHERE id = @value) AND m.license_id = @value AND m.policy_id = p.id AND ${conditions}
           ORDER BY m.created_at, m.rowid`
        : `SELECT m.* FROM machines m JOIN policies p ON p.id = m.policy_id
           WHERE m.account_id = @value AND ${conditions}
           ORDER BY m.created_at, m.rowid`;
    const value = 'licenseId' in scope ? scope.licenseId : scope.accountId;
    return (prepared(this.db, sql).all({ value, now, grace: graceMs }) as Row[]).map(toMachine);
  }

  /** Newest first, filtered (see `machine-filter.ts`). */
  list(accountId: string, filter: MachineFilter, window: Window): Slice<Machine> {
    return selectSlice(this.db, machineQuery(accountId, filter), window, toMachine);
  }
}

function scopeClause(scope: UniquenessScope): { clause: string; value: string[] } {
  switch (scope.kind) {
    case 'account':
      return { clause: '', value: [] };
    case 'product':
      return { clause: ' AND l.product_id = ?', value: [scope.productId] };
    case 'policy':
      return { clause: ' AND l.policy_id = ?', value: [scope.policyId] };
    case 'license':
      return { clause: ' AND l.id = ?', value: [scope.licenseId] };
  }
}

/** Keygen's `alive`/`dead` scopes over the machine's policy (duration in seconds, 600 by default). */
function statusCondition(status: NonNullable<MachineFilter['status']>): string {
  const windowStart = `@now - COALESCE(p.heartbeat_duration, ${DEFAULT_HEARTBEAT_DURATION_SECONDS}) * 1000`;
  const condition =
    status === 'ALIVE'
      ? `(t.last_heartbeat_at IS NULL AND (p.require_heartbeat = 0 OR t.created_at >= ${windowStart}))
         OR (t.last_heartbeat_at IS NOT NULL AND t.last_heartbeat_at >= ${windowStart})`
      : `(t.last_heartbeat_at IS NULL AND p.require_heartbeat = 1 AND t.created_at < ${windowStart})
         OR (t.last_heartbeat_at IS NOT NULL AND t.last_heartbeat_at < ${windowStart})`;
  return `EXISTS (SELECT 1 FROM policies p WHERE p.id = t.policy_id AND (${condition}))`;
}

/** `SELECT … FROM machines t WHERE …` for the filter; relationship filters go through the license, as Keygen's scopes do. */
function machineQuery(accountId: string, filter: MachineFilter): Filtered {
  const { where, params, bind } = whereBuilder(accountId, filter.now);
  const uuid = (value: string, condition: (bound: string) => string): string => (UUID_RE.test(value) ? condition(bind(value.toLowerCase())) : '0');
  const licensesWhere = (condition: string): string => `t.license_id IN (SELECT l.id FROM licenses l WHERE l.account_id = @account AND ${condition})`;
  const userIds = (value: string): string =>
    UUID_RE.test(value) ? `(${bind(value.toLowerCase())})` : `(SELECT id FROM users WHERE account_id = @account AND email = ${bind(value.toLowerCase())})`;

  if (filter.none) where.push('0');
  if (filter.scope?.productId !== undefined) where.push(`t.product_id = ${bind(filter.scope.productId)}`);
  if (filter.scope?.licenseId !== undefined) where.push(`t.license_id = ${bind(filter.scope.licenseId)}`);
  if (filter.licenseId !== undefined) where.push(uuid(filter.licenseId, (id) => `t.license_id = ${id}`));
  if (filter.key !== undefined) where.push(licensesWhere(`l.key = ${bind(filter.key)}`));
  if (filter.productId !== undefined) where.push(uuid(filter.productId, (id) => licensesWhere(`l.product_id = ${id}`)));
  if (filter.policyId !== undefined) where.push(uuid(filter.policyId, (id) => licensesWhere(`l.policy_id = ${id}`)));
  if (filter.groupId !== undefined) where.push(uuid(filter.groupId, (id) => licensesWhere(`l.group_id = ${id}`)));
  for (const [column, value] of [
    ['t.fingerprint', filter.fingerprint],
    ['t.ip', filter.ip],
    ['t.hostname', filter.hostname],
  ] as const) {
    if (value !== undefined) where.push(`${column} = ${bind(value)}`);
  }
  if (filter.owner !== undefined) where.push(`t.owner_id IN ${userIds(filter.owner)}`);
  if (filter.user !== undefined) {
    const users = userIds(filter.user);
    where.push(licensesWhere(`(l.owner_id IN ${users} OR l.id IN (SELECT license_id FROM license_users WHERE user_id IN ${users}))`));
  }
  if (filter.status !== undefined) where.push(statusCondition(filter.status));
  return { from: `FROM machines t WHERE ${where.join(' AND ')}`, params };
}
