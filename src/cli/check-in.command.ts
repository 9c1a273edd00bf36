import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, UsageError, type Io } from './output.js';
import { printStatusResult } from './status.command.js';

export const CHECK_IN_HELP = `Usage: tessera check-in [--config FILE] [--json]

Checks the active license in with the licensing server (for policies that require regular
check-ins), then refreshes the stored machine file.

Options:
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"status":…} or {"ok":false,"code":…,"message":…}
  -h, --help     show this help

Exit status: 0 checked in and licensed, 1 refused (CHECK_IN_NOT_REQUIRED when the policy needs
no check-in), 2 usage error, 3 the licensing server could not be reached.
`;

/** `tessera check-in`: returns the process exit code. */
export async function checkInCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: COMMON_OPTIONS });
  if (values.help) {
    io.stdout(CHECK_IN_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('check-in takes no arguments');
  return withLicensing(context, io, values, async ({ manager }) => printStatusResult(io, await manager.checkIn(), values.json, '✔ Checked in.'));
}
