import { parseArgs } from 'node:util';
import type { BulkOutcome, Seat, SeatCredentials } from '../licensing/manager.types.js';
import { exitCodeFor } from '../contract/failures.js';
import { fail } from '../contract/messages.js';
import {
  COMMON_OPTIONS,
  positiveInteger,
  readSecret,
  redacting,
  reportFailure,
  validateId,
  validateSecret,
  warnSecretOnCommandLine,
  withLicensing,
  type CliContext,
} from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';
import { shortFingerprint } from './status.command.js';

export const SEATS_HELP = `Usage: tessera seats list [--page N] [--size N] [credentials] [--config FILE] [--json]
       tessera seats deactivate ID… [credentials] [--config FILE] [--json]

For administrators: the seats (activated machines) of a license, and deactivating them to
free seats — one, several, or from a script.

Credentials, one of:
  --license KEY       the license key; "-" reads it from standard input (recommended). With
                      neither option, $TESSERA_LICENSE_KEY is used.
  --license-id ID     the license's id, with an admin or product token in $TESSERA_ADMIN_TOKEN
                      (tokens are never taken on the command line)

Options:
  --page N       list: the page to show, from 1 (default 1)
  --size N       list: seats per page, 1 to 100 (default: the server's)
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         list: {"ok":true,"data":[…],"next":…}; deactivate:
                 {"ok":…,"deactivated":[…],"failed":[{"id","code","message"}]}
  -h, --help     show this help

Exit status: 0 success (every seat deactivated), 1 refused or some seats not deactivated,
2 usage error or no credentials, 3 the licensing server could not be reached.
`;

/** Seats deactivated in one command at most: a bound on a mistaken paste. */
const MAX_IDS = 10_000;

interface SeatOptions {
  readonly license?: string | undefined;
  readonly 'license-id'?: string | undefined;
}

/** The credentials, from the options and the environment; null when none was given. */
async function readCredentials(io: Io, values: SeatOptions): Promise<{ credentials: SeatCredentials; secret: string } | null> {
  if (values.license !== undefined && values['license-id'] !== undefined) throw new UsageError('give --license or --license-id, not both');
  const token = io.env.TESSERA_ADMIN_TOKEN;
  const hasToken = token !== undefined && token.trim() !== '';
  if (values['license-id'] !== undefined) {
    if (!hasToken) throw new UsageError('--license-id needs an admin or product token in TESSERA_ADMIN_TOKEN');
    const adminToken = validateSecret(token, 'token in TESSERA_ADMIN_TOKEN');
    return { credentials: { adminToken, licenseId: validateId(values['license-id'], 'license') }, secret: adminToken };
  }
  const key = await readSecret(io, values.license, 'license key', 'TESSERA_LICENSE_KEY');
  if (key !== null) {
    if (key.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license -" (standard input) or TESSERA_LICENSE_KEY.');
    return { credentials: { licenseKey: key.value }, secret: key.value };
  }
  if (hasToken) throw new UsageError('with TESSERA_ADMIN_TOKEN, name the license with --license-id ID');
  return null;
}

function describeSeats(seats: readonly Seat[], page: number, next: string | null): string {
  if (seats.length === 0) return page === 1 ? 'This license has no seat in use.\n' : `No seats on page ${page}.\n`;
  const rows = seats.map((seat) => [
    seat.current ? '*' : ' ',
    seat.id,
    seat.name ?? seat.hostname ?? '',
    seat.platform ?? '',
    seat.heartbeatStatus ?? '',
    seat.lastHeartbeat ?? '',
    seat.created,
    shortFingerprint(seat.fingerprint),
  ]);
  const header = [' ', 'ID', 'NAME', 'PLATFORM', 'HEARTBEAT', 'LAST HEARTBEAT', 'ACTIVATED', 'FINGERPRINT'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const format = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd();
  const more = next === null ? '' : `More seats: tessera seats list --page ${page + 1}\n`;
  return `${[format(header), ...rows.map(format)].join('\n')}\n${seats.length} seat${seats.length === 1 ? '' : 's'} on page ${page}; * marks this machine.\n${more}`;
}

function printBulk(io: Io, outcome: BulkOutcome, json: boolean): number {
  if (json) {
    const failed = outcome.failed.map(({ id, code, message }) => ({ id, code, message }));
    printJson(io, { ok: outcome.failed.length === 0, deactivated: outcome.deactivated, failed });
  } else {
    for (const id of outcome.deactivated) io.stdout(`✔ ${id} deactivated\n`);
    for (const failure of outcome.failed) io.stdout(`✘ ${failure.id}: ${failure.message} (${failure.code})\n`);
    io.stdout(`${outcome.deactivated.length} deactivated, ${outcome.failed.length} failed.\n`);
  }
  if (outcome.failed.length === 0) return EXIT.ok;
  // Every failure being "could not reach the server" is worth retrying as a whole: exit 3.
  return outcome.failed.every((failure) => exitCodeFor(failure.code) === EXIT.unreachable) ? EXIT.unreachable : EXIT.refused;
}

/** `tessera seats`: returns the process exit code. */
export async function seatsCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      license: { type: 'string' },
      'license-id': { type: 'string' },
      page: { type: 'string' },
      size: { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout(SEATS_HELP);
    return EXIT.ok;
  }
  const [action, ...ids] = positionals;
  if (action !== 'list' && action !== 'deactivate') throw new UsageError(action === undefined ? 'missing subcommand: list or deactivate ID…' : `unknown subcommand "${action}"`);
  let page: number | undefined;
  let size: number | undefined;
  let seatIds: string[] = [];
  if (action === 'list') {
    if (ids.length > 0) throw new UsageError('seats list takes no arguments');
    page = positiveInteger(values.page, '--page', 1_000_000);
    size = positiveInteger(values.size, '--size', 100);
  } else {
    if (values.page !== undefined || values.size !== undefined) throw new UsageError('--page and --size apply to seats list only');
    if (ids.length === 0) throw new UsageError('seats deactivate needs at least one seat id (see "tessera seats list")');
    if (ids.length > MAX_IDS) throw new UsageError(`at most ${MAX_IDS} seats at once`);
    seatIds = [...new Set(ids.map((id) => validateId(id, 'seat')))];
  }

  const given = await readCredentials(io, values);
  if (given === null) {
    reportFailure(io, fail('ADMIN_CREDENTIALS_REQUIRED'), values.json);
    return EXIT.usage;
  }
  const shown = redacting(io, [given.secret]);
  return withLicensing(context, shown, values, async ({ manager }) => {
    if (action === 'list') {
      const result = await manager.seats(given.credentials, { ...(page === undefined ? {} : { number: page }), ...(size === undefined ? {} : { size }) });
      if (!result.ok) return reportFailure(shown, result, values.json);
      if (values.json) printJson(shown, { ok: true, data: result.value.data, next: result.value.next });
      else shown.stdout(describeSeats(result.value.data, page ?? 1, result.value.next));
      return EXIT.ok;
    }
    const progress = shown.isTty && !values.json;
    const result = await manager.deactivateSeats(
      given.credentials,
      seatIds,
      progress ? (done, total) => shown.stderr(`\rDeactivating seats: ${done}/${total}`) : undefined,
    );
    if (progress) shown.stderr('\n');
    if (!result.ok) return reportFailure(shown, result, values.json);
    return printBulk(shown, result.value, values.json);
  });
}
