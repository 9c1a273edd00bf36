/**
 * Exports of the admin views: every seat of a license, or every license of the product, as CSV
 * (neutralised, see `csv.ts`) or JSON. Fingerprints are written in full (the views shorten
 * them); license keys only masked. Files are written atomically — a temporary file beside the
 * target, then a rename — so a failed export never leaves a file that looks complete.
 */
import type { AdminLicense, ExportFile, ExportFormat } from '../contract/admin.js';
import type { Failure, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { writeFileAtomic } from '../licensing/atomic-file.js';
import type { Seat } from '../licensing/manager.types.js';
import { toCsv } from './csv.js';

const SEAT_COLUMNS = ['id', 'name', 'hostname', 'platform', 'fingerprint', 'activated', 'last_heartbeat', 'last_check_out', 'last_validated', 'last_seen', 'heartbeat_status', 'this_machine'];
const LICENSE_COLUMNS = ['id', 'name', 'key', 'policy_id', 'policy', 'status', 'expiry', 'seats_used', 'seats_max', 'last_validated', 'owner', 'created'];

/** A file-name-safe stamp of `now`: 2031-04-05T10-20-30Z. */
function stamp(now: number): string {
  return new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Every seat of `licenseId`, as a file. */
export function seatsExport(seats: readonly Seat[], licenseId: string, format: ExportFormat, now: number): ExportFile {
  const base = `tessera-seats-${licenseId.replace(/[^A-Za-z0-9-]/g, '')}-${stamp(now)}`;
  if (format === 'json') {
    const text = `${JSON.stringify({ kind: 'seats', license: licenseId, exported: new Date(now).toISOString(), count: seats.length, data: seats })}\n`;
    return { fileName: `${base}.json`, mediaType: 'application/json', text, rows: seats.length };
  }
  const rows = seats.map((seat) => [
    seat.id,
    seat.name,
    seat.hostname,
    seat.platform,
    seat.fingerprint,
    seat.created,
    seat.lastHeartbeat,
    seat.lastCheckOut,
    seat.lastValidated,
    seat.lastSeen,
    seat.heartbeatStatus,
    seat.current,
  ]);
  return { fileName: `${base}.csv`, mediaType: 'text/csv', text: toCsv(SEAT_COLUMNS, rows), rows: seats.length };
}

/** Every license of the product (or of the search), as a file. */
export function licensesExport(licenses: readonly AdminLicense[], product: string | null, format: ExportFormat, now: number): ExportFile {
  const base = `tessera-licenses-${stamp(now)}`;
  if (format === 'json') {
    const text = `${JSON.stringify({ kind: 'licenses', product, exported: new Date(now).toISOString(), count: licenses.length, data: licenses })}\n`;
    return { fileName: `${base}.json`, mediaType: 'application/json', text, rows: licenses.length };
  }
  const rows = licenses.map((license) => [
    license.id,
    license.name,
    license.keyHint,
    license.policy?.id ?? null,
    license.policy?.name ?? null,
    license.status,
    license.expiry,
    license.used,
    license.max,
    license.lastValidated,
    license.owner,
    license.created,
  ]);
  return { fileName: `${base}.csv`, mediaType: 'text/csv', text: toCsv(LICENSE_COLUMNS, rows), rows: licenses.length };
}

/**
 * Writes an export to `path` atomically (owner-only). EXPORT_WRITE_FAILED, with the system's
 * error code as detail, when it cannot; the target is then as it was and no temporary is left.
 */
export async function writeExport(path: string, file: ExportFile): Promise<Result<void>> {
  try {
    await writeFileAtomic(path, file.text);
    return { ok: true, value: undefined };
  } catch (error) {
    const detail = error instanceof Error && 'code' in error ? String(error.code) : 'write failed';
    return { ...fail('EXPORT_WRITE_FAILED'), detail } as Failure;
  }
}
