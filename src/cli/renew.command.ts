import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, UsageError, type Io } from './output.js';
import { printStatusResult } from './status.command.js';

export const RENEW_HELP = `Usage: tessera renew [--config FILE] [--json]

Fetches a fresh machine file for the active license from the licensing server (after the
license was renewed, its entitlements changed, or before the stored file runs out offline).

Options:
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"status":…} or {"ok":false,"code":…,"message":…}
  -h, --help     show this help

Exit status: 0 renewed and licensed, 1 refused (the reason and next step are printed),
2 usage error, 3 the licensing server could not be reached.
`;

/** `tessera renew`: returns the process exit code. */
export async function renewCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: COMMON_OPTIONS });
  if (values.help) {
    io.stdout(RENEW_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('renew takes no arguments');
  return withLicensing(context, io, values, async ({ manager }) => printStatusResult(io, await manager.renew(), values.json, '✔ License file renewed.'));
}
