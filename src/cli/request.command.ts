import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createActivationRequest } from '../airgap/request.js';
import { writeCarried } from '../airgap/write-carried.js';
import { createMachineService } from '../machine/machine.service.js';
import { packageVersion } from './agent-runner.js';
import { COMMON_OPTIONS, readSecret, redacting, reportFailure, warnSecretOnCommandLine, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const REQUEST_HELP = `Usage: tessera request [--out FILE|FOLDER] [--license-key -|KEY] [--config FILE] [--json]

Creates this machine's activation request, for a machine with no network: a file to carry
(on a USB stick) to any connected machine with Tessera, where "tessera fulfil FILE" activates
this machine and writes a response; "tessera import RESPONSE" here installs it. Needs no network.

The request names this machine (fingerprint, platform, hostname, cores), the vendor's account
and product, and this machine's public key, and is signed with this machine's own key (kept
in the keychain). It carries no license key unless you give one with --license-key; then the
connected machine needs no credentials of its own, and the response brings the key back.

Options:
  --out PATH          where to write it: a file, or a folder (default: the current folder),
                      named <hostname>-<fingerprint>.activation-request.json
  --license-key KEY   put this license key in the request; "-" reads it from standard input.
                      Anyone holding the file can read the key.
  --config FILE       the vendor configuration (default: $TESSERA_CONFIG, the app's
                      tessera.config.json, or the embedded local issuer)
  --json              print {"ok":true,"file":PATH,"fingerprint":…} or {"ok":false,"code":…,"message":…}
  -h, --help          show this help

Exit status: 0 written, 1 refused (machine key or fingerprint unavailable, file not
writable), 2 usage error.
`;

/** `tessera request`: returns the process exit code. */
export async function requestCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, out: { type: 'string' }, 'license-key': { type: 'string' } },
  });
  if (values.help) {
    io.stdout(REQUEST_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('request takes no arguments (use --out PATH)');
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file or folder');
  // Never taken from TESSERA_LICENSE_KEY: a key goes into the file only when asked for here.
  const key = await readSecret(io, values['license-key'], 'license key');
  if (key?.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license-key -" (standard input).');
  const shown = redacting(io, key === null ? [] : [key.value]);

  return withLicensing(context, shown, values, async (runtime) => {
    const made = await createActivationRequest(
      { config: runtime.config, secrets: runtime.secrets, machine: createMachineService(), now: Date.now, version: packageVersion() },
      key === null ? {} : { licenseKey: key.value },
    );
    if (!made.ok) return reportFailure(shown, made, values.json);
    const target = await outputPath(values.out, made.value.name);
    const written = await writeCarried(target, made.value.text);
    if (!written.ok) return reportFailure(shown, written, values.json);
    const { fingerprint } = made.value.document.machine;
    if (values.json) {
      printJson(shown, { ok: true, file: written.value, fingerprint });
    } else {
      shown.stdout(
        `✔ Activation request written: ${written.value}\n` +
          `  Fingerprint: ${fingerprint}\n` +
          `  Next: on a connected machine, "tessera fulfil ${written.value}"; then here, "tessera import" the response it writes.\n`,
      );
    }
    return EXIT.ok;
  });
}

/** The file to write: `--out` itself, or the default name inside `--out` (a folder) or the current folder. */
async function outputPath(out: string | undefined, name: string): Promise<string> {
  if (out === undefined) return join(process.cwd(), name);
  const isFolder = await stat(out).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return isFolder ? join(out, name) : out;
}
