/** `tessera licenses list --remote`: the licenses of the configured product on the licensing server, for administrators. */
import { parseArgs } from 'node:util';
import { capacityText, type AdminLicense } from '../contract/admin.js';
import { stopFailure } from '../admin/every-page.js';
import { ADMIN_OPTIONS, adminCredential, adminService, deliverTo, formatTable, outputFormat, readAdminToken } from './admin-access.js';
import { COMMON_OPTIONS, positiveInteger, redacting, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const REMOTE_LICENSES_HELP = `Usage: tessera licenses list --remote [--all] [--search TEXT] [--page N] [--size N] [--format table|json|csv] [--output FILE] [--admin-token -] [--config FILE] [--json]

For administrators: the licenses of the configured product on the licensing server — name,
key (masked), policy, status, expiry, seats used "x of N" and last validation.

The admin or product token: --admin-token - (standard input), $TESSERA_ADMIN_TOKEN, or the
one signed in with "tessera admin sign-in". Tokens are never taken on the command line.

Options:
  --all            every page (otherwise one page)
  --search TEXT    an owner's email (the server's owner filter), or part of a license's id,
                   name, key or owner id
  --page N         the page to show, from 1 (default 1)
  --size N         licenses per page, 1 to 100 (default 100)
  --format F       table (default), json or csv (CSV cells a spreadsheet would run as a
                   formula are prefixed with ')
  --output FILE    write the json or csv to FILE, atomically (complete, or not at all)
  --json           {"ok":true,"data":[…],"next":…,"total":…}
`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  ...ADMIN_OPTIONS,
  remote: { type: 'boolean', default: false },
  all: { type: 'boolean', default: false },
  search: { type: 'string' },
  page: { type: 'string' },
  size: { type: 'string' },
} as const;

function licenseTable(licenses: readonly AdminLicense[]): string {
  const rows = licenses.map((license) => [
    license.id,
    license.name ?? '',
    license.keyHint ?? '',
    license.policy?.name ?? license.policy?.id ?? '',
    license.status ?? '',
    license.expiry ?? 'never',
    capacityText(license.used, license.max),
    license.lastValidated ?? 'never',
  ]);
  return formatTable(['ID', 'NAME', 'KEY', 'POLICY', 'STATUS', 'EXPIRY', 'SEATS', 'LAST VALIDATED'], rows);
}

/** `tessera licenses list --remote`: returns the process exit code. */
export async function remoteLicensesCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  if (values.help) {
    io.stdout(REMOTE_LICENSES_HELP);
    return EXIT.ok;
  }
  if (positionals.join(' ') !== 'list') throw new UsageError('--remote applies to "licenses list" only');
  const format = outputFormat(values.format, false, values.output);
  const page = positiveInteger(values.page, '--page', 1_000_000);
  const size = positiveInteger(values.size, '--size', 100);
  if (values.all && page !== undefined) throw new UsageError('--all reads every page: leave out --page');
  if (values.search !== undefined && (values.search.trim() === '' || values.search.length > 256)) throw new UsageError('--search needs 1 to 256 characters');
  const token = await readAdminToken(io, values['admin-token']);
  const shown = redacting(io, token === null ? [] : [token]);
  const who = adminCredential(token);

  return withLicensing(context, shown, values, async (runtime) => {
    const admin = adminService(context, runtime, shown);
    if (format !== 'table') {
      const page1 = values.all ? undefined : { number: page ?? 1, size: size ?? 100 };
      const exported = await admin.exportLicenses(who, format, values.search, deliverTo(shown, values.output), page1);
      if (!exported.ok) return reportFailure(shown, exported, values.json);
      if (values.output !== undefined) shown.stderr(`✔ ${exported.value.rows} licenses written to ${values.output}\n`);
      return EXIT.ok;
    }
    if (values.all) {
      const progress = shown.isTty && !values.json;
      const walked = await admin.everyLicense(who, values.search, progress ? (fetched, total) => shown.stderr(`\rReading licenses: ${fetched}${total === null ? '' : ` of ${total}`}`) : undefined);
      if (progress) shown.stderr('\n');
      if (!walked.ok) return reportFailure(shown, walked, values.json);
      if (!walked.value.ok) return reportFailure(shown, stopFailure(walked.value, 'licenses'), values.json);
      const licenses = walked.value.items;
      if (values.json) printJson(shown, { ok: true, data: licenses, next: null, total: licenses.length });
      else shown.stdout(licenses.length === 0 ? 'No license matches.\n' : `${licenseTable(licenses)}${licenses.length} licenses.\n`);
      return EXIT.ok;
    }
    const listed = await admin.licensesPage(who, { number: page ?? 1, size: size ?? 100 }, values.search);
    if (!listed.ok) return reportFailure(shown, listed, values.json);
    const { data, next, total } = listed.value;
    if (values.json) {
      printJson(shown, { ok: true, data, next, total });
      return EXIT.ok;
    }
    shown.stdout(data.length === 0 ? 'No license on this page matches.\n' : `${licenseTable(data)}${data.length} licenses on page ${page ?? 1}${total === null ? '' : ` (${total} in all)`}.\n`);
    if (next !== null) shown.stdout(`More licenses: tessera licenses list --remote --page ${next}${values.search === undefined ? '' : ' --search …'} (or --all)\n`);
    return EXIT.ok;
  });
}
