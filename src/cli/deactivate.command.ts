import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const DEACTIVATE_HELP = `Usage: tessera deactivate [--yes] [--config FILE] [--json]

Deactivates this machine: it is removed from its license on the licensing server (freeing its
seat for another machine), then the license file, the stored state and the license key are
wiped from this machine. Needs the licensing server: a machine cannot free its seat offline.

On a terminal, asks for confirmation first; elsewhere (scripts), --yes is required.

Options:
  -y, --yes      deactivate without asking
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"licenseId":…,"machineId":…} or {"ok":false,"code":…,"message":…}
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
    options: { ...COMMON_OPTIONS, yes: { type: 'boolean', short: 'y', default: false } },
  });
  if (values.help) {
    io.stdout(DEACTIVATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('deactivate takes no arguments');
  const confirm = io.isTty ? context.confirm : undefined;
  if (!values.yes && confirm === undefined) throw new UsageError('deactivate asks for confirmation and there is no terminal to ask on: pass --yes to confirm');

  return withLicensing(context, io, values, async ({ manager }) => {
    if (!values.yes && confirm !== undefined) {
      const { license } = await manager.status({ online: false });
      const which = license === null ? 'its license' : `license "${license.name ?? license.id}" (${license.id})`;
      const question = `Deactivate this machine from ${which}? Its seat is freed on the licensing server and the license is removed from this machine.`;
      if (!(await confirm(question))) {
        io.stderr('Not deactivated: nothing was changed.\n');
        return EXIT.refused;
      }
    }
    const result = await manager.deactivate();
    if (!result.ok) return reportFailure(io, result, values.json);
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
