import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fail } from '../contract/messages.js';
import { MAX_CERTIFICATE_BYTES } from '../license-file/types.js';
import { COMMON_OPTIONS, readSecret, redacting, reportFailure, warnSecretOnCommandLine, withLicensing, type CliContext } from './licensing-context.js';
import { describeInstalled } from './licenses.command.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const IMPORT_HELP = `Usage: tessera import FILE [--license-key -|KEY] [--config FILE] [--json]

Installs a license file or machine file carried in by hand (air-gapped machines). The file is
verified against the vendor's public key before anything is stored; an encrypted file needs
its license key, which is then kept in the operating system's keychain. FILE "-" reads the
file from standard input.

Options:
  --license-key KEY  the license key, to decrypt an encrypted file; "-" reads it from standard
                     input. Default: $TESSERA_LICENSE_KEY. Prefer stdin or the variable: a key
                     on the command line is visible to other users.
  --config FILE      the vendor configuration (default: $TESSERA_CONFIG, the app's
                     tessera.config.json, or the embedded local issuer)
  --json             print {"ok":true,"license":…} or {"ok":false,"code":…,"message":…}
  -h, --help         show this help

Exit status: 0 imported, 1 refused (not genuine, expired, another machine's, key needed …),
2 usage error (including an unreadable file).
`;

/** The certificate text, read with the size cap applied before reading; null when too large. */
async function readCertificate(path: string, io: Io): Promise<string | null> {
  if (path === '-') {
    const text = await io.readStdin();
    return Buffer.byteLength(text) > MAX_CERTIFICATE_BYTES ? null : text;
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${path}: no such file`);
  }
  if (size > MAX_CERTIFICATE_BYTES) return null;
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${path}`);
  }
}

/** `tessera import`: returns the process exit code. */
export async function importCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, 'license-key': { type: 'string' } },
  });
  if (values.help) {
    io.stdout(IMPORT_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('import takes exactly one FILE');
  const path = positionals[0] as string;
  if (path === '-' && values['license-key'] === '-') throw new UsageError('standard input can carry the file or the license key, not both');
  const key = await readSecret(io, values['license-key'], 'license key', 'TESSERA_LICENSE_KEY');
  if (key?.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license-key -" (standard input) or TESSERA_LICENSE_KEY.');
  const shown = redacting(io, key === null ? [] : [key.value]);
  const certificate = await readCertificate(path, io);
  if (certificate === null) return reportFailure(shown, fail('LICENSE_FILE_TOO_LARGE'), values.json);

  return withLicensing(context, shown, values, async ({ manager }) => {
    const result = await manager.importFile(certificate, key === null ? undefined : { licenseKey: key.value });
    if (!result.ok) return reportFailure(shown, result, values.json);
    if (values.json) printJson(shown, { ok: true, license: result.value });
    else shown.stdout(`Imported.\n${describeInstalled(result.value)}`);
    return EXIT.ok;
  });
}
