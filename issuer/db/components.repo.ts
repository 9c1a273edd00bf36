/**
 * Machine components as a resource of their own (`/components`): lookups within a bearer's
 * scope, the per-machine fingerprint rule, updates, deletes and the list. Components attached at
 * activation are written by `MachinesRepo.addComponents`; wider fingerprint uniqueness is
 * `MachinesRepo.componentFingerprintTaken`.
 */
import { randomUUID } from 'node:crypto';
import type { MachineChildFilter } from '../domain/machine-child-filter.js';
import type { Machine, Metadata, PlacedComponent } from '../domain/types.js';
import type { Db } from './database.js';
import type { MachineScope, NewComponent } from './machines.repo.js';
import { findChildInScope, machineChildQuery, placedRows } from './machine-children.js';
import { selectSlice, type Slice, type Window } from './paging.js';
import { toMetadata, type Row } from './rows.js';
import { prepared } from './statements.js';

function toPlacedComponent(row: Row): PlacedComponent {
  return {
    id: String(row.id),
    accountId: String(row.account_id),
    machineId: String(row.machine_id),
    licenseId: String(row.license_id),
    policyId: String(row.policy_id),
    productId: String(row.product_id),
    fingerprint: String(row.fingerprint),
    name: String(row.name),
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What a component update may change. */
export interface ComponentChanges {
  readonly name?: string;
  readonly metadata?: Metadata;
}

/** Repository of components. */
export class ComponentsRepo {
  private readonly byId;
  private readonly insert;
  private readonly onMachine;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.byId = db.prepare(`SELECT * FROM ${placedRows('components')} WHERE t.account_id = ? AND t.id = ?`);
    this.insert = db.prepare(
      `INSERT INTO components (id, account_id, machine_id, fingerprint, name, metadata, created_at, updated_at)
       VALUES (@id, @account_id, @machine_id, @fingerprint, @name, @metadata, @now, @now)`,
    );
    this.onMachine = db.prepare('SELECT 1 FROM components WHERE machine_id = ? AND fingerprint = ?');
    this.remove = db.prepare('DELETE FROM components WHERE id = ?');
  }

  /** Inserts a component for `machine`. Throws on a fingerprint the machine already has (the schema's UNIQUE). */
  create(machine: Machine, input: NewComponent, now: number): PlacedComponent {
    const id = randomUUID();
    this.insert.run({
      id,
      account_id: machine.accountId,
      machine_id: machine.id,
      fingerprint: input.fingerprint,
      name: input.name,
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    return this.findById(machine.accountId, id) as PlacedComponent;
  }

  findById(accountId: string, id: string): PlacedComponent | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toPlacedComponent(row) : null;
  }

  /** The component with this id if it is in `scope` (a product's or a license's components); else null. */
  findInScope(accountId: string, id: string, scope: MachineScope): PlacedComponent | null {
    return findChildInScope(id, scope, (lower) => this.findById(accountId, lower));
  }

  /** Whether the machine already has a component with this fingerprint (the rule every strategy keeps). */
  takenOnMachine(machineId: string, fingerprint: string): boolean {
    return this.onMachine.get(machineId, fingerprint) !== undefined;
  }

  /** Applies a partial update and bumps `updated`. */
  update(component: PlacedComponent, changes: ComponentChanges, now: number): PlacedComponent {
    prepared(
      this.db,
      'UPDATE components SET updated_at = @now, name = COALESCE(@name, name), metadata = COALESCE(@metadata, metadata) WHERE id = @id',
    ).run({ id: component.id, now, name: changes.name ?? null, metadata: changes.metadata === undefined ? null : JSON.stringify(changes.metadata) });
    return this.findById(component.accountId, component.id) as PlacedComponent;
  }

  /** Deletes a component; returns whether it existed. */
  delete(id: string): boolean {
    return this.remove.run(id).changes > 0;
  }

  /** Newest first, filtered (see `machine-child-filter.ts`). */
  list(accountId: string, filter: MachineChildFilter, window: Window): Slice<PlacedComponent> {
    return selectSlice(this.db, machineChildQuery('components', accountId, filter), window, toPlacedComponent);
  }
}
