import { parseArgs } from 'node:util';
import { durationText, unseenFor, type BulkResult } from '../contract/admin.js';
import { exitCodeFor } from '../contract/failures.js';
import { fail } from '../contract/messages.js';
import { isAdminAccess, type SeatAccess } from '../contract/operations.js';
import { adminFailure } from '../admin/admin-session.js';
import type { AdminService } from '../admin/admin.service.js';
import { rateOf } from '../admin/bulk-jobs.js';
import { stopFailure } from '../admin/every-page.js';
import type { Seat } from '../licensing/manager.types.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { ADMIN_OPTIONS, adminService, claimStdin, deliverTo, formatTable, outputFormat, parseIds, seatAccessFrom, type OutputFormat } from './admin-access.js';
import { COMMON_OPTIONS, positiveInteger, redacting, reportFailure, validateId, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';
import { shortFingerprint } from './status.command.js';

export const SEATS_HELP = `Usage: tessera seats list [--all] [--stale DAYS] [--page N] [--size N] [--format table|json|csv] [--output FILE] [credentials] [--config FILE] [--json]
       tessera seats deactivate ID…|- [credentials] [--config FILE] [--json]

The seats (activated machines) of a license, and deactivating them to free seats — one,
several, or from a script: "-" reads the seat ids from standard input, for example the JSON
of "tessera seats list --stale 30 --format json".

Credentials, one of:
  --license KEY         the license key; "-" reads it from standard input (recommended). With
                        neither option, $TESSERA_LICENSE_KEY is used.
  --license-id ID       the license's id, as an administrator: with --admin-token - (the token
                        on standard input), $TESSERA_ADMIN_TOKEN, or the token signed in with
                        "tessera admin sign-in". Tokens are never taken on the command line.

Options:
  --all          list: every page (otherwise one page)
  --stale DAYS   list: only seats not seen for at least DAYS days (last seen: the latest of
                 activation, heartbeat, check-out and validation)
  --page N       list: the page to show, from 1 (default 1)
  --size N       list: seats per page, 1 to 100 (default: the server's)
  --format F     list: table (default), json or csv (every fingerprint in full; CSV cells
                 that a spreadsheet would run as a formula are prefixed with ')
  --output FILE  list: write the json or csv to FILE, atomically (complete, or not at all)
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         list: {"ok":true,"data":[…],"next":…,"total":…}; deactivate:
                 {"ok":…,"deactivated":[…],"alreadyGone":[…],"failed":[{"id","code","message"}],
                 "notAttempted":[…],"stopped":null|"cancelled"|"rate-limited"}
  -h, --help     show this help

Deactivation follows the server's rate limit: it slows down rather than fail, a seat already
gone counts as done (so a run can be repeated), and Ctrl-C stops it after the requests in
flight, reporting what was done. Exports and deactivations are recorded in the audit log
("tessera audit").

Exit status: 0 success (every seat deactivated or already gone), 1 refused, cancelled or some
seats not deactivated, 2 usage error or no credentials, 3 the licensing server could not be reached.
`;

/** Seats deactivated in one command at most: a bound on a mistaken paste. */
const MAX_IDS = 20_000;

const SEAT_OPTIONS = {
  ...COMMON_OPTIONS,
  ...ADMIN_OPTIONS,
  license: { type: 'string' },
  'license-id': { type: 'string' },
  page: { type: 'string' },
  size: { type: 'string' },
  all: { type: 'boolean', default: false },
  stale: { type: 'string' },
} as const;

type SeatValues = ReturnType<typeof parseArgs<{ args: string[]; options: typeof SEAT_OPTIONS; allowPositionals: true; strict: true }>>['values'];

/** How to repeat this listing for the next page, with the same credentials option. */
function nextPageHint(values: SeatValues, page: number): string {
  const who = values['license-id'] !== undefined ? ` --license-id ${values['license-id']}` : values.license !== undefined ? ' --license -' : '';
  return `More seats: tessera seats list${who} --page ${page + 1}${values.size === undefined ? '' : ` --size ${values.size}`}\n`;
}

function seatTable(seats: readonly Seat[]): string {
  const rows = seats.map((seat) => [
    seat.current ? '*' : ' ',
    seat.id,
    seat.name ?? seat.hostname ?? '',
    seat.platform ?? '',
    shortFingerprint(seat.fingerprint),
    seat.created,
    seat.lastHeartbeat ?? '',
    seat.lastCheckOut ?? '',
    seat.lastSeen ?? '',
  ]);
  return formatTable([' ', 'ID', 'NAME', 'PLATFORM', 'FINGERPRINT', 'ACTIVATED', 'LAST HEARTBEAT', 'LAST CHECK-OUT', 'LAST SEEN'], rows);
}

async function listSeats(io: Io, values: SeatValues, access: SeatAccess, runtime: LicensingRuntime, admin: AdminService): Promise<number> {
  const format: OutputFormat = outputFormat(values.format, false, values.output);
  const stale = positiveInteger(values.stale, '--stale', 36_500);
  const keep = (seats: readonly Seat[]): readonly Seat[] => (stale === undefined ? seats : seats.filter((seat) => unseenFor(seat, stale, Date.now())));
  const exporting = format !== 'table';

  if (exporting) {
    const page = values.all ? undefined : { number: positiveInteger(values.page, '--page', 1_000_000) ?? 1, size: positiveInteger(values.size, '--size', 100) ?? 100 };
    const exported = await admin.exportSeats(access, format, stale, deliverTo(io, values.output), page);
    if (!exported.ok) return reportFailure(io, exported, values.json);
    if (values.output !== undefined) io.stderr(`✔ ${exported.value.rows} seats written to ${values.output}\n`);
    return EXIT.ok;
  }
  if (values.all) {
    const seat = await admin.grant(access);
    if (!seat.ok) return reportFailure(io, seat, values.json);
    const progress = io.isTty && !values.json;
    const walked = await admin.everySeat(seat.value, progress ? (fetched, total) => io.stderr(`\rReading seats: ${fetched}${total === null ? '' : ` of ${total}`}`) : undefined);
    if (progress) io.stderr('\n');
    if (!walked.ok) return reportFailure(io, stopFailure(walked, 'seats'), values.json);
    const seats = keep(walked.items);
    if (values.json) printJson(io, { ok: true, data: seats, next: null, total: seats.length });
    else io.stdout(seats.length === 0 ? 'No seat to show.\n' : `${seatTable(seats)}${seats.length} seats; * marks this machine.\n`);
    return EXIT.ok;
  }

  const page = positiveInteger(values.page, '--page', 1_000_000);
  const size = positiveInteger(values.size, '--size', 100);
  const credentials = await admin.managerCredentials(access);
  if (!credentials.ok) return reportFailure(io, credentials, values.json);
  const result = await runtime.manager.seats(credentials.value, { ...(page === undefined ? {} : { number: page }), ...(size === undefined ? {} : { size }) });
  if (!result.ok) return reportFailure(io, isAdminAccess(access) ? adminFailure(result, 'license') : result, values.json);
  const seats = keep(result.value.data);
  if (values.json) {
    printJson(io, { ok: true, data: seats, next: result.value.next, ...(result.value.total === undefined ? {} : { total: result.value.total }) });
    return EXIT.ok;
  }
  const number = page ?? 1;
  if (seats.length === 0) io.stdout(number === 1 && result.value.next === null ? 'No seat to show.\n' : `No seats on page ${number}.\n`);
  else io.stdout(`${seatTable(seats)}${seats.length} seat${seats.length === 1 ? '' : 's'} on page ${number}; * marks this machine.\n`);
  if (result.value.next !== null) io.stdout(nextPageHint(values, number));
  return EXIT.ok;
}

function printOutcome(io: Io, outcome: BulkResult, json: boolean): number {
  const done = outcome.failed.length === 0 && outcome.notAttempted.length === 0;
  if (json) {
    const failed = outcome.failed.map(({ id, code, message }) => ({ id, code, message }));
    printJson(io, { ok: done, deactivated: outcome.deactivated, alreadyGone: outcome.alreadyGone, failed, notAttempted: outcome.notAttempted, stopped: outcome.stopped });
  } else {
    // Every seat by name for a handful; counts for a bulk run (failures are always listed).
    if (outcome.deactivated.length + outcome.alreadyGone.length <= 20) {
      for (const id of outcome.deactivated) io.stdout(`✔ ${id} deactivated\n`);
      for (const id of outcome.alreadyGone) io.stdout(`✔ ${id} already gone\n`);
    }
    for (const failure of outcome.failed) io.stdout(`✘ ${failure.id}: ${failure.message} (${failure.code})\n`);
    const stopped = outcome.stopped === 'cancelled' ? ' Cancelled:' : outcome.stopped === 'rate-limited' ? ' Stopped: the rate limit did not let up;' : '';
    const left = outcome.notAttempted.length === 0 ? '' : `${stopped} ${outcome.notAttempted.length} not attempted (run the same command again to finish).`;
    io.stdout(`${outcome.deactivated.length} deactivated, ${outcome.alreadyGone.length} already gone, ${outcome.failed.length} failed.${left}\n`);
  }
  if (done) return EXIT.ok;
  // Every failure being "could not reach the server" is worth retrying as a whole: exit 3.
  if (outcome.notAttempted.length === 0 && outcome.failed.every((failure) => exitCodeFor(failure.code) === EXIT.unreachable)) return EXIT.unreachable;
  return EXIT.refused;
}

async function deactivateSeats(io: Io, values: SeatValues, access: SeatAccess, ids: readonly string[], context: CliContext, admin: AdminService): Promise<number> {
  const controller = new AbortController();
  // Ctrl-C stops sending; the requests in flight finish and the report says what was done.
  void context.untilStopped().then(() => {
    if (!controller.signal.aborted && io.isTty) io.stderr('\nCancelling after the requests in flight…\n');
    controller.abort();
  });
  const progress = io.isTty && !values.json;
  const result = await admin.deactivate(access, ids, {
    signal: controller.signal,
    ...(progress
      ? {
          onProgress: (pace) => {
            const settled = pace.deactivated + pace.alreadyGone + pace.failed;
            const { perSecond, secondsLeft } = rateOf(pace);
            const rate = perSecond === null ? '' : ` · ${perSecond.toFixed(1)}/s`;
            const left = secondsLeft === null ? '' : ` · ${durationText(secondsLeft)} left`;
            const waiting = pace.waitingMs > 0 ? ` · waiting ${durationText(pace.waitingMs / 1000)} for the rate limit` : '';
            io.stderr(`\rDeactivating seats: ${settled}/${pace.total}${rate}${left}${waiting}\u001b[K`);
          },
        }
      : {}),
  });
  if (progress) io.stderr('\n');
  if (!result.ok) return reportFailure(io, result, values.json);
  return printOutcome(io, result.value, values.json);
}

/** `tessera seats`: returns the process exit code. */
export async function seatsCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: SEAT_OPTIONS });
  if (values.help) {
    io.stdout(SEATS_HELP);
    return EXIT.ok;
  }
  const [action, ...ids] = positionals;
  if (action !== 'list' && action !== 'deactivate') throw new UsageError(action === undefined ? 'missing subcommand: list or deactivate ID…' : `unknown subcommand "${action}"`);
  let fromStdin = false;
  if (action === 'list') {
    if (ids.length > 0) throw new UsageError('seats list takes no arguments');
    positiveInteger(values.page, '--page', 1_000_000);
    positiveInteger(values.size, '--size', 100);
    positiveInteger(values.stale, '--stale', 36_500);
    outputFormat(values.format, false, values.output);
    if (values.all && values.page !== undefined) throw new UsageError('--all reads every page: leave out --page');
  } else {
    for (const option of ['page', 'size', 'stale', 'format', 'output'] as const) {
      if (values[option] !== undefined) throw new UsageError(`--${option} applies to seats list only`);
    }
    if (values.all) throw new UsageError('--all applies to seats list only');
    if (ids.length === 0) throw new UsageError('seats deactivate needs seat ids, or "-" to read them from standard input (see "tessera seats list")');
    fromStdin = ids.includes('-');
    if (fromStdin && ids.length > 1) throw new UsageError('"-" reads every seat id from standard input: give no other ids');
    if (ids.length > MAX_IDS) throw new UsageError(`at most ${MAX_IDS} seats at once`);
    if (!fromStdin) for (const id of ids) validateId(id, 'seat');
  }
  claimStdin([
    ['--license -', values.license === '-'],
    ['--admin-token -', values['admin-token'] === '-'],
    ['"-" (seat ids)', fromStdin],
  ]);

  const given = await seatAccessFrom(io, values);
  if (given === null) {
    reportFailure(io, fail('ADMIN_CREDENTIALS_REQUIRED'), values.json);
    return EXIT.usage;
  }
  let seatIds: string[] = [];
  if (action === 'deactivate') {
    seatIds = [...new Set(fromStdin ? parseIds(await io.readStdin()) : ids)];
    if (seatIds.length === 0) throw new UsageError('no seat ids on standard input');
    if (seatIds.length > MAX_IDS) throw new UsageError(`at most ${MAX_IDS} seats at once`);
  }
  const shown = redacting(io, given.secrets);
  return withLicensing(context, shown, values, async (runtime) => {
    const admin = adminService(context, runtime, shown);
    if (action === 'list') return listSeats(shown, values, given.access, runtime, admin);
    return deactivateSeats(shown, values, given.access, seatIds, context, admin);
  });
}
