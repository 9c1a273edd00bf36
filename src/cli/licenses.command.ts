import { parseArgs } from 'node:util';
import type { Result } from '../contract/codes.js';
import type { InstalledLicense, LicenseManager } from '../licensing/manager.types.js';
import { COMMON_OPTIONS, reportFailure, validateId, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';
import { codeTitle, licenseLines } from './status.command.js';

export const LICENSES_HELP = `Usage: tessera licenses list|show ID|use ID|remove ID|dismiss-notices [--config FILE] [--json]
       tessera licenses list --remote …   (the product's licenses on the server: see --remote --help)

The licenses installed on this machine, by activation or by importing a license file. Status
answers for the active one: the one you chose (activating a key chooses its license), else the
only one, else the first installed. Another license never takes over on its own.

Subcommands:
  list             every installed license: id, kind, how it came, whether it is valid and active
  show ID          one installed license in detail
  use ID           make license ID the active one
  remove ID        remove an installed license, its file and its key from this machine; the
                   licensing server is not told (to free its seat, use "tessera deactivate")
  dismiss-notices  forget the notice about a damaged license state that was set aside

Options:
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         list: {"ok":true,"data":[…]}; show and use: {"ok":true,"license":…};
                 remove: {"ok":true,"id":…}; failures: {"ok":false,"code":…,"message":…}
  -h, --help     show this help

Exit status: 0 success, 1 refused (LICENSE_NOT_INSTALLED for an unknown id), 2 usage error.
`;

/** Installed licenses are few; this bounds the walk should a cursor ever loop. */
const MAX_PAGES = 1000;
const PAGE_SIZE = 100;

/** Every installed license, following the cursor. */
async function allInstalled(manager: LicenseManager): Promise<Result<InstalledLicense[]>> {
  const all: InstalledLicense[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result = await manager.installed(after === undefined ? { limit: PAGE_SIZE } : { after, limit: PAGE_SIZE });
    if (!result.ok) return result;
    const { data, next } = result.value;
    all.push(...data);
    if (next === null || next === after || data.length === 0) break;
    after = next;
  }
  return { ok: true, value: all };
}

/** One installed license for people (`show`, `import`). */
export function describeInstalled(installed: InstalledLicense): string {
  const state = installed.licensed ? 'valid' : `not valid: ${codeTitle(installed.code)} (${installed.code})`;
  const lines = [
    `${installed.licensed ? '✔' : '✘'} ${installed.kind === 'machine' ? 'Machine' : 'License'} file ${installed.id}${installed.active ? ' — active' : ''}`,
    `  State:         ${state}`,
  ];
  if (installed.license !== null) lines.push(...licenseLines(installed.license));
  if (installed.label !== null) lines.push(`  Label:         ${installed.label}`);
  lines.push(`  Pinned:        ${installed.pinned ? 'yes' : 'no'}`);
  lines.push(`  Came from:     ${installed.source === 'activation' ? 'activation' : 'imported file'}`);
  lines.push(`  Offline until: ${installed.fileExpiry ?? 'no limit'}`);
  lines.push(`  Installed:     ${installed.installedAt}`);
  lines.push(`  Updated:       ${installed.updatedAt}`);
  return `${lines.join('\n')}\n`;
}

function describeList(licenses: readonly InstalledLicense[]): string {
  if (licenses.length === 0) return 'No license is installed on this machine.\n';
  const rows = licenses.map((installed) => [
    installed.active ? '*' : ' ',
    installed.id,
    installed.kind,
    installed.source === 'activation' ? 'activated' : 'imported',
    installed.licensed ? 'valid' : installed.code,
    installed.label ?? installed.license?.name ?? '',
    installed.fileExpiry ?? 'no limit',
  ]);
  const header = [' ', 'ID', 'KIND', 'SOURCE', 'STATE', 'NAME', 'OFFLINE UNTIL'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] as string).length)));
  const format = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] as number)).join('  ').trimEnd();
  return `${[format(header), ...rows.map(format)].join('\n')}\n${licenses.length} installed; * marks the active license.\n`;
}

/** `tessera licenses`: returns the process exit code. */
export async function licensesCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  // The product's licenses on the server are another command, with its own options.
  if (argv.includes('--remote')) return (await import('./remote-licenses.command.js')).remoteLicensesCommand(argv, io, context);
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: COMMON_OPTIONS });
  if (values.help) {
    io.stdout(LICENSES_HELP);
    return EXIT.ok;
  }
  const [action, ...ids] = positionals;
  if (action === 'list') {
    if (ids.length > 0) throw new UsageError('licenses list takes no arguments');
    return withLicensing(context, io, values, async ({ manager }) => {
      const licenses = await allInstalled(manager);
      if (!licenses.ok) return reportFailure(io, licenses, values.json);
      if (values.json) printJson(io, { ok: true, data: licenses.value });
      else io.stdout(describeList(licenses.value));
      return EXIT.ok;
    });
  }
  if (action === 'dismiss-notices') {
    if (ids.length > 0) throw new UsageError('licenses dismiss-notices takes no arguments');
    return withLicensing(context, io, values, async ({ manager }) => {
      const result = await manager.dismissNotices();
      if (!result.ok) return reportFailure(io, result, values.json);
      if (values.json) printJson(io, { ok: true });
      else io.stdout('✔ Notices dismissed.\n');
      return EXIT.ok;
    });
  }
  if (action !== 'show' && action !== 'remove' && action !== 'use') {
    throw new UsageError(action === undefined ? 'missing subcommand: list, show ID, use ID, remove ID or dismiss-notices' : `unknown subcommand "${action}"`);
  }
  if (ids.length !== 1) throw new UsageError(`licenses ${action} takes exactly one license id`);
  const id = validateId(ids[0] as string, 'license');

  return withLicensing(context, io, values, async ({ manager }) => {
    if (action === 'show' || action === 'use') {
      const result = action === 'use' ? await manager.update(id, { pinned: true }) : await manager.get(id);
      if (!result.ok) return reportFailure(io, result, values.json);
      if (values.json) printJson(io, { ok: true, license: result.value });
      else io.stdout(describeInstalled(result.value));
      return EXIT.ok;
    }
    const result = await manager.remove(id);
    if (!result.ok) return reportFailure(io, result, values.json);
    if (values.json) printJson(io, { ok: true, id });
    else io.stdout(`✔ Removed license ${id} from this machine. The licensing server was not told: its seat stays taken until deactivated there.\n`);
    return EXIT.ok;
  });
}
