/**
 * What the administrator commands share: taking an admin token (standard input with
 * `--admin-token -`, else TESSERA_ADMIN_TOKEN, else the signed-in one; never the command line),
 * the seat access a command's options name, seat ids from standard input, tables, progress
 * lines, and where a report or an export goes (stdout, or a file written atomically).
 */
import type { ExportFile } from '../contract/admin.js';
import type { Result } from '../contract/codes.js';
import type { SeatAccess } from '../contract/operations.js';
import { createAdminService, type AdminCredential, type AdminService } from '../admin/admin.service.js';
import { writeExport } from '../admin/exports.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { readSecret, validateId, validateSecret, warnSecretOnCommandLine, type CliContext } from './licensing-context.js';
import { UsageError, type Io } from './output.js';

/** `--admin-token -` and `--output FILE`, for parseArgs. */
export const ADMIN_OPTIONS = {
  'admin-token': { type: 'string' },
  output: { type: 'string', short: 'o' },
  format: { type: 'string' },
} as const;

export type OutputFormat = 'table' | 'json' | 'csv';

/** `--format table|json|csv` (`--json` is `json`); `--output` needs json or csv. */
export function outputFormat(format: string | undefined, json: boolean, output: string | undefined): OutputFormat {
  if (format !== undefined && !['table', 'json', 'csv'].includes(format)) throw new UsageError('--format must be table, json or csv');
  const chosen = (format ?? (json ? 'json' : 'table')) as OutputFormat;
  if (output !== undefined && chosen === 'table') throw new UsageError('--output writes json or csv: add --format json or --format csv');
  if (output !== undefined && output.trim() === '') throw new UsageError('--output needs a file path');
  return chosen;
}

/**
 * The admin token for this command: `--admin-token -` reads standard input, else
 * TESSERA_ADMIN_TOKEN; null means "the signed-in one". A token on the command line is refused:
 * other users of the machine could read it in the process list.
 */
export async function readAdminToken(io: Io, value: string | undefined): Promise<string | null> {
  if (value !== undefined && value !== '-') throw new UsageError('tokens are never taken on the command line: use --admin-token - (standard input) or TESSERA_ADMIN_TOKEN');
  if (value === '-') return validateSecret(await io.readStdin(), 'admin token');
  const fromEnv = io.env.TESSERA_ADMIN_TOKEN;
  return fromEnv !== undefined && fromEnv.trim() !== '' ? validateSecret(fromEnv, 'token in TESSERA_ADMIN_TOKEN') : null;
}

/** The admin credential a token stands for: itself, or the signed-in session. */
export function adminCredential(token: string | null): AdminCredential {
  return token === null ? { kind: 'session' } : { kind: 'token', token };
}

/** Which of the options would read standard input; at most one may. */
export function claimStdin(claims: readonly (readonly [string, boolean])[]): void {
  const readers = claims.filter(([, reads]) => reads).map(([name]) => name);
  if (readers.length > 1) throw new UsageError(`only one of ${readers.join(', ')} can read standard input`);
}

/**
 * The seat access named by `--license KEY|-` (or TESSERA_LICENSE_KEY) or `--license-id ID` with
 * a token; null when none is given. Returns the secrets to mask in output too.
 */
export async function seatAccessFrom(
  io: Io,
  values: { readonly license?: string | undefined; readonly 'license-id'?: string | undefined; readonly 'admin-token'?: string | undefined },
): Promise<{ readonly access: SeatAccess; readonly secrets: string[] } | null> {
  if (values.license !== undefined && values['license-id'] !== undefined) throw new UsageError('give --license or --license-id, not both');
  if (values['license-id'] !== undefined) {
    const licenseId = validateId(values['license-id'], 'license');
    const token = await readAdminToken(io, values['admin-token']);
    return token === null ? { access: { kind: 'admin-session', licenseId }, secrets: [] } : { access: { kind: 'admin', adminToken: token, licenseId }, secrets: [token] };
  }
  if (values['admin-token'] !== undefined) throw new UsageError('with an admin token, name the license with --license-id ID');
  const key = await readSecret(io, values.license, 'license key', 'TESSERA_LICENSE_KEY');
  if (key !== null) {
    if (key.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license -" (standard input) or TESSERA_LICENSE_KEY.');
    return { access: { kind: 'license-key', licenseKey: key.value }, secrets: [key.value] };
  }
  const token = io.env.TESSERA_ADMIN_TOKEN;
  if (token !== undefined && token.trim() !== '') throw new UsageError('with TESSERA_ADMIN_TOKEN, name the license with --license-id ID');
  return null;
}

/** The administrator service over an opened runtime (its client injected by tests). */
export function adminService(context: CliContext, runtime: LicensingRuntime, io: Io): AdminService {
  return createAdminService({ runtime, env: io.env, ...(context.adminClient === undefined ? {} : { client: context.adminClient }), log: (line) => io.stderr(`${line}\n`) });
}

/**
 * Seat ids from standard input: the JSON of `seats list --format json` (or `--json`), a JSON
 * array of ids or of objects with an `id`, or ids separated by spaces, commas or lines.
 */
export function parseIds(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new UsageError('standard input looks like JSON but does not parse');
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { data?: unknown }).data;
    if (!Array.isArray(list)) throw new UsageError('standard input JSON has no "data" list of seats');
    return list.map((item: unknown) => {
      const id = typeof item === 'string' ? item : (item as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') throw new UsageError('a seat in standard input has no "id"');
      return validateId(id, 'seat');
    });
  }
  return trimmed.split(/[\s,]+/).map((id) => validateId(id, 'seat'));
}

/** A plain text table: columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n`;
}

/** Writes an export to `output` atomically, or to stdout; returns the delivery's result. */
export function deliverTo(io: Io, output: string | undefined): (file: ExportFile) => Promise<Result<void>> {
  return async (file) => {
    if (output === undefined) {
      io.stdout(file.text);
      return { ok: true, value: undefined };
    }
    return writeExport(output, file);
  };
}
