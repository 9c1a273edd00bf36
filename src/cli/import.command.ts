import { open, readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fail } from '../contract/messages.js';
import { importMany } from './import-many.js';
import { MAX_CERTIFICATE_BYTES } from '../license-file/types.js';
import { COMMON_OPTIONS, readSecret, redacting, reportFailure, warnSecretOnCommandLine, withLicensing, type CliContext } from './licensing-context.js';
import { describeInstalled } from './licenses.command.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const IMPORT_HELP = `Usage: tessera import FILE|FOLDER… [--license-key -|KEY] [--config FILE] [--json]

Installs a license file or machine file carried in by hand (air-gapped machines), or the
activation response that "tessera fulfil" wrote for this machine. Every file is verified
against the vendor's public key before anything is stored; an encrypted file needs its
license key (given here, carried in the response, or already kept for that license), which
is then kept in the operating system's keychain. FILE "-" reads the file from standard input.

A FOLDER (a USB stick holding a whole fleet's responses) is searched for .lic files and
*.activation-response.json files: those made for this machine are installed, and every other
file is reported with why (another machine's, needs a key, not genuine, older than the one
installed). The files are checked on every core.

Options:
  --license-key KEY  the license key, to decrypt an encrypted file; "-" reads it from standard
                     input. Default: $TESSERA_LICENSE_KEY. Prefer stdin or the variable: a key
                     on the command line is visible to other users.
  --config FILE      the vendor configuration (default: $TESSERA_CONFIG, the app's
                     tessera.config.json, or the embedded local issuer)
  --json             one license or machine file: {"ok":true,"license":…} or
                     {"ok":false,"code":…,"message":…}; otherwise {"ok":…,"results":[{"file",
                     "kind","ok","code"?,"licenseId"?}]}
  -h, --help         show this help

Exit status: 0 imported (for several files: at least one installed), 1 refused (not genuine,
expired, another machine's, key needed …), 2 usage error (including an unreadable file).
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

/** Whether `path` is a folder, or a JSON file (an activation response): those take the per-file route. */
async function isResponseOrFolder(path: string): Promise<boolean> {
  if (path === '-') return false;
  try {
    if ((await stat(path)).isDirectory()) return true;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      return head.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('{');
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable: the single-file route says so.
    return false;
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
  if (positionals.length === 0) throw new UsageError('import needs a FILE or FOLDER');
  if (positionals.length > 1 || (await isResponseOrFolder(positionals[0] as string))) {
    if (positionals.includes('-')) throw new UsageError('standard input can carry one license file only');
    return importMany(positionals, io, context, values);
  }
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
