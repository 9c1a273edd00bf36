import { parseArgs } from 'node:util';
import { deactivateOfflineCommand } from './deactivate-offline.js';
import { COMMON_OPTIONS, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const DEACTIVATE_HELP = `Usage: tessera deactivate [--yes] [--config FILE] [--json]
       tessera deactivate --offline [--out FILE|FOLDER] [--yes] [--config FILE] [--json]

Deactivates this machine: it is removed from its license on the licensing server (freeing its
seat for another machine), then the license file, the stored state and the license key are
wiped from this machine.

With --offline (a machine with no network): the license file and its key are removed from
this machine first, then a deactivation receipt signed by this machine's key is written
(default: <hostname>-<fingerprint>-<time>.deactivation-receipt.json in the current folder;
a copy stays in the data folder's airgap/receipts). Carry it to a connected machine and run
"tessera fulfil RECEIPT" there to free the seat. A run interrupted half way is finished by
the next "tessera deactivate --offline", with the same receipt.

On a terminal, asks for confirmation first; elsewhere (scripts), --yes is required.

Options:
  -y, --yes      deactivate without asking
  --offline      deactivate without the network, with a receipt (see above)
  --out PATH     --offline: where to write the receipt (a file, or a folder)
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"licenseId":…,"machineId":…} (with --offline, also "receipt":PATH)
                 or {"ok":false,"code":…,"message":…}
  -h, --help     show this help

Exit status: 0 deactivated, 1 refused or not confirmed, 2 usage error (including no --yes
without a terminal), 3 the licensing server could not be reached.
`;

/** `tessera deactivate`: returns the process exit code. */
export async function deactivateCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, yes: { type: 'boolean', short: 'y', default: false }, offline: { type: 'boolean', default: false }, out: { type: 'string' } },
  });
  if (values.help) {
    io.stdout(DEACTIVATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('deactivate takes no arguments');
  if (values.out !== undefined && !values.offline) throw new UsageError('--out applies to --offline only');
  const confirm = io.isTty ? context.confirm : undefined;
  if (!values.yes && confirm === undefined) throw new UsageError('deactivate asks for confirmation and there is no terminal to ask on: pass --yes to confirm');

  return withLicensing(context, io, values, async (runtime) => {
    const { manager } = runtime;
    if (!values.yes && confirm !== undefined) {
      const { license } = await manager.status({ online: false });
      const which = license === null ? 'its license' : `license "${license.name ?? license.id}" (${license.id})`;
      const question = values.offline
        ? `Deactivate this machine from ${which} offline? The license is removed from this machine now; the receipt written frees its seat once fulfilled on a connected machine.`
        : `Deactivate this machine from ${which}? Its seat is freed on the licensing server and the license is removed from this machine.`;
      if (!(await confirm(question))) {
        io.stderr('Not deactivated: nothing was changed.\n');
        return EXIT.refused;
      }
    }
    if (values.offline) return deactivateOfflineCommand(io, runtime, { out: values.out, json: values.json });
    const result = await manager.deactivate();
    if (!result.ok) {
      const exit = reportFailure(io, result, values.json);
      if (result.code === 'OFFLINE_DEACTIVATION_UNAVAILABLE' && !values.json) {
        io.stderr('  No network on this machine? "tessera deactivate --offline" writes a receipt that a connected machine turns into a free seat.\n');
      }
      return exit;
    }
    if (values.json) {
      printJson(io, { ok: true, licenseId: result.value.licenseId, machineId: result.value.machineId });
    } else {
      io.stdout(
        `✔ This machine was deactivated: machine ${result.value.machineId} is removed from license ${result.value.licenseId}, ` +
          'and the license file and key are gone from this machine.\n',
      );
    }
    return EXIT.ok;
  });
}
