import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, readSecret, redacting, warnSecretOnCommandLine, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, UsageError, type Io } from './output.js';
import { printStatusResult } from './status.command.js';

export const ACTIVATE_HELP = `Usage: tessera activate [KEY|-] [--config FILE] [--json]

Activates this machine with a license key: the key is validated for this machine's
fingerprint, the machine is registered with the licensing server, and a signed, encrypted
machine file is stored so that the license keeps working offline. The key is kept in the
operating system's keychain, never in a file. A machine already activated is recognised,
not activated twice.

KEY "-" reads the key from standard input (recommended); with no KEY, $TESSERA_LICENSE_KEY
is used. A KEY on the command line works, but other users of this machine can see it (process
list, shell history).

Options:
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print {"ok":true,"status":…} or {"ok":false,"code":…,"message":…}
  -h, --help     show this help

Exit status: 0 activated and licensed, 1 refused (the reason and next step are printed),
2 usage error, 3 the licensing server could not be reached.
`;

/** What an activation that cannot reach the server adds: the air-gapped route. */
export const OFFLINE_ROUTE_HINT =
  '  No network on this machine? Create an activation request instead: "tessera request" writes a file to carry to any\n' +
  '  connected machine, where "tessera fulfil FILE" turns it into a machine file for "tessera import FILE" here.\n';

/** `tessera activate`: returns the process exit code. */
export async function activateCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: COMMON_OPTIONS });
  if (values.help) {
    io.stdout(ACTIVATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError('activate takes one license key (or "-" to read it from standard input)');
  const key = await readSecret(io, positionals[0], 'license key', 'TESSERA_LICENSE_KEY');
  if (key === null) throw new UsageError('no license key: pipe it to "tessera activate -", set TESSERA_LICENSE_KEY, or give it as KEY');
  if (key.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "tessera activate -" (standard input) or TESSERA_LICENSE_KEY.');
  const shown = redacting(io, [key.value]);
  return withLicensing(context, shown, values, async ({ manager }) => {
    const result = await manager.activate(key.value);
    const exit = printStatusResult(shown, result, values.json, '✔ This machine is activated.');
    // No network here at all: the offline route works without one.
    if (!result.ok && result.code === 'ISSUER_UNREACHABLE' && !values.json) shown.stderr(OFFLINE_ROUTE_HINT);
    return exit;
  });
}
