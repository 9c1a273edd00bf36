/**
 * Machine processes: lookups within a bearer's scope, the counts the process leasing strategies
 * limit, heartbeats and metadata, deletes, the candidates of heartbeat culling, and the list.
 */
import { randomUUID } from 'node:crypto';
import type { MachineChildFilter } from '../domain/machine-child-filter.js';
import type { Machine, MachineProcess, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import type { CullScope, MachineScope } from './machines.repo.js';
import { findChildInScope, machineChildQuery, placedRows } from './machine-children.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, toNullableNumber, toNullableString, type Row } from './rows.js';
import { prepared } from './statements.js';

function toProcess(row: Row): MachineProcess {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    machineId: String(row.machine_id),
    licenseId: String(row.license_id),
    policyId: String(row.policy_id),
    productId: String(row.product_id),
    ownerId: toNullableString(row.owner_id),
    pid: String(row.pid),
    // Keygen sets the first heartbeat at creation; a row written without one reads the same way.
    lastHeartbeatAt: toNullableNumber(row.last_heartbeat_at) ?? Number(row.created_at),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What a new process is made of; its machine supplies the rest. */
export interface NewProcess {
  /** A client-chosen UUID (lowercase); random when absent. */
  readonly id?: string;
  readonly pid: string;
  readonly metadata?: Metadata;
}

/** What an update may change: metadata (PATCH) or the heartbeat (ping). */
export type ProcessChanges = Partial<Pick<MachineProcess, 'metadata' | 'lastHeartbeatAt'>>;

/** Repository of machine processes. */
export class ProcessesRepo {
  private readonly byId;
  private readonly byIdAnywhere;
  private readonly insert;
  private readonly pidOnMachine;
  private readonly perMachine;
  private readonly perLicense;
  private readonly perOwner;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT * FROM ${placedRows('processes')} WHERE t.account_id = ? AND t.id = ?`);
    this.byIdAnywhere = db.prepare('SELECT 1 FROM processes WHERE id = ?');
    this.insert = db.prepare(
      `INSERT INTO processes (id, account_id, machine_id, pid, last_heartbeat_at, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @machine_id, @pid, @now, @metadata, @now, @now)`,
    );
    this.pidOnMachine = db.prepare('SELECT 1 FROM processes WHERE machine_id = ? AND pid = ?');
    this.perMachine = db.prepare('SELECT COUNT(*) AS n FROM processes WHERE machine_id = ?');
    this.perLicense = db.prepare('SELECT COUNT(*) AS n FROM processes p JOIN machines m ON m.id = p.machine_id WHERE m.license_id = ?');
    // `IS` compares NULL with NULL as equal: a machine without an owner counts with the others without one.
    this.perOwner = db.prepare('SELECT COUNT(*) AS n FROM processes p JOIN machines m ON m.id = p.machine_id WHERE m.license_id = ? AND m.owner_id IS ?');
    this.remove = db.prepare('DELETE FROM processes WHERE id = ?');
  }

  /** Inserts a process for `machine`, its first heartbeat being its creation. Throws on a duplicate pid (the schema's UNIQUE). */
  create(machine: Machine, input: NewProcess, now: number): MachineProcess {
    const id = input.id ?? randomUUID();
    this.insert.run({ id, account_id: machine.accountId, machine_id: machine.id, pid: input.pid, metadata: JSON.stringify(input.metadata ?? {}), now });
    return this.findById(machine.accountId, id) as MachineProcess;
  }

  findById(accountId: string, id: string): MachineProcess | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toProcess(row) : null;
  }

  /** The process with this id if it is in `scope` (a product's or a license's processes); else null. */
  findInScope(accountId: string, id: string, scope: MachineScope): MachineProcess | null {
    return findChildInScope(id, scope, (lower) => this.findById(accountId, lower));
  }

  /** Whether any process, in any account, has this id. */
  idTaken(id: string): boolean {
    return this.byIdAnywhere.get(id) !== undefined;
  }

  /** Whether the machine already has a process with this pid. */
  pidTaken(machineId: string, pid: string): boolean {
    return this.pidOnMachine.get(machineId, pid) !== undefined;
  }

  /** The machine's processes (PER_MACHINE leasing). */
  countForMachine(machineId: string): number {
    return Number((this.perMachine.get(machineId) as { n: number }).n);
  }

  /** Every process of the license's machines (PER_LICENSE leasing). */
  countForLicense(licenseId: string): number {
    return Number((this.perLicense.get(licenseId) as { n: number }).n);
  }

  /** The license's processes on machines of one owner, or of no owner when null (PER_USER leasing). */
  countForOwner(licenseId: string, ownerId: string | null): number {
    return Number((this.perOwner.get(licenseId, ownerId) as { n: number }).n);
  }

  /** Applies a partial update and bumps `updated` (a ping too, as Keygen's `update!` does). */
  update(process: MachineProcess, changes: ProcessChanges, now: number): MachineProcess {
    const metadata = changes.metadata === undefined ? null : JSON.stringify(changes.metadata);
    prepared(
      this.db,
      `UPDATE processes SET updated_at = @now, metadata = COALESCE(@metadata, metadata),
         last_heartbeat_at = COALESCE(@last_heartbeat_at, last_heartbeat_at) WHERE id = @id`,
    ).run({ id: process.id, now, metadata, last_heartbeat_at: changes.lastHeartbeatAt ?? null });
    return this.findById(process.accountId, process.id) as MachineProcess;
  }

  /** Deletes processes by id; returns how many existed. */
  delete(...ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) removed += this.remove.run(id).changes;
    return removed;
  }

  /** Processes whose policy deactivates the dead (`DEACTIVATE_DEAD`); the caller decides which are dead. */
  cullCandidates(scope: CullScope): MachineProcess[] {
    const [column, value] = 'licenseId' in scope ? ['t.license_id', scope.licenseId] : ['t.account_id', scope.accountId];
    const sql = `SELECT t.* FROM ${placedRows('processes')} JOIN policies p ON p.id = t.policy_id
                 WHERE ${column} = ? AND p.heartbeat_cull_strategy = 'DEACTIVATE_DEAD' ORDER BY t.created_at, t.rowid`;
    return (prepared(this.db, sql).all(value) as Row[]).map(toProcess);
  }

  /** Newest first, filtered (see `machine-child-filter.ts`). */
  list(accountId: string, filter: MachineChildFilter, window: Window): Slice<MachineProcess> {
    return selectSlice(this.db, machineChildQuery('processes', accountId, filter), window, toProcess);
  }
}
