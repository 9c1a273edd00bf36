/**
 * Machines and their components: lookups by id or fingerprint, a license's machines (for
 * validation and the seat list), counts. Writes beyond `create` belong to the machine routes.
 */
import { randomUUID } from 'node:crypto';
import type { Machine, Metadata } from '../domain/types.js';
import type { Db } from './database.js';
import { toMetadata, toNullableNumber, toNullableString, type Row } from './rows.js';

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
    metadata: toMetadata(row.metadata),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** What a new machine is made of; the license supplies policy, product and owner. */
export interface NewMachine {
  readonly fingerprint: string;
  readonly name?: string | null;
  readonly ip?: string | null;
  readonly hostname?: string | null;
  readonly platform?: string | null;
  readonly cores?: number | null;
  readonly memory?: number | null;
  readonly disk?: number | null;
  readonly metadata?: Metadata;
}

/** Repository of machines. */
export class MachinesRepo {
  private readonly byId;
  private readonly byIdOnly;
  private readonly insert;
  private readonly countFor;
  private readonly byFingerprint;
  private readonly forLicense;
  private readonly componentsOf;

  constructor(db: Db) {
    this.byId = db.prepare('SELECT * FROM machines WHERE account_id = ? AND id = ?');
    this.byIdOnly = db.prepare('SELECT * FROM machines WHERE id = ?');
    this.byFingerprint = db.prepare('SELECT * FROM machines WHERE account_id = ? AND fingerprint = ? ORDER BY created_at, id');
    this.forLicense = db.prepare('SELECT * FROM machines WHERE license_id = ? ORDER BY created_at, id');
    this.componentsOf = db.prepare('SELECT fingerprint FROM components WHERE machine_id = ? ORDER BY created_at, id');
    this.countFor = db.prepare('SELECT COUNT(*) AS n, COALESCE(SUM(cores), 0) AS cores FROM machines WHERE license_id = ?');
    this.insert = db.prepare(
      `INSERT INTO machines (id, account_id, license_id, policy_id, product_id, owner_id, fingerprint, name, ip, hostname, platform,
                            cores, memory, disk, metadata, created_at, updated_at)
       SELECT @id, l.account_id, l.id, l.policy_id, l.product_id, l.owner_id, @fingerprint, @name, @ip, @hostname, @platform,
              @cores, @memory, @disk, @metadata, @now, @now
       FROM licenses l WHERE l.id = @license_id`,
    );
  }

  /**
   * Inserts a machine for a license. Throws on a duplicate fingerprint within the license
   * (the schema's UNIQUE constraint); wider uniqueness is the caller's to check.
   */
  create(licenseId: string, input: NewMachine, now: number): Machine {
    const id = randomUUID();
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
      metadata: JSON.stringify(input.metadata ?? {}),
      now,
    });
    if (result.changes !== 1) throw new Error(`no license ${licenseId} to attach a machine to`);
    return toMachine(this.byIdOnly.get(id) as Row);
  }

  findById(accountId: string, id: string): Machine | null {
    const row = this.byId.get(accountId, id) as Row | undefined;
    return row ? toMachine(row) : null;
  }

  /** Machine count and total cores of a license (the `machines` relationship meta). */
  countForLicense(licenseId: string): { count: number; cores: number } {
    const row = this.countFor.get(licenseId) as { n: number; cores: number };
    return { count: Number(row.n), cores: Number(row.cores) };
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

  /** Every machine of a license, oldest first. */
  allForLicense(licenseId: string): Machine[] {
    return (this.forLicense.all(licenseId) as Row[]).map(toMachine);
  }

  /** Fingerprints of a machine's components, oldest first. */
  componentFingerprints(machineId: string): string[] {
    return (this.componentsOf.all(machineId) as { fingerprint: string }[]).map((row) => row.fingerprint);
  }
}
