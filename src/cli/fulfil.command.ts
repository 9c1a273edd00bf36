import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FulfilAccess, FulfilResult } from '../contract/airgap.types.js';
import { messageFor } from '../contract/messages.js';
import { fulfillerFor } from '../airgap/airgap.service.js';
import { DEFAULT_CONCURRENCY, fulfilBatch, fulfilInputs } from '../airgap/fulfil-batch.js';
import { filePoolFor } from '../airgap/worker-pool.js';
import { fail } from '../contract/messages.js';
import {
  COMMON_OPTIONS,
  positiveInteger,
  readSecret,
  redacting,
  reportFailure,
  validateId,
  validateSecret,
  warnSecretOnCommandLine,
  withLicensing,
  type CliContext,
} from './licensing-context.js';
import { exitCodeFor } from '../contract/failures.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const FULFIL_HELP = `Usage: tessera fulfil FILE|FOLDER… [credentials] [--out FOLDER] [--include-license-key]
                      [--concurrency N] [--config FILE] [--json]

On a connected machine: turns activation requests and deactivation receipts carried from
air-gapped machines into action on the licensing server. A FOLDER (a USB stick holding a
whole fleet) is searched for *.activation-request.json and *.deactivation-receipt.json files.

- An activation request is checked (signed by its own machine key, well-formed, at most 30
  days old, for this vendor's account and product), its fingerprint is activated on the
  license with its machine key registered (or found, when already activated: a request
  fulfilled twice takes one seat), and its encrypted machine file is written as
  <hostname>-<fingerprint>.activation-response.json next to the request (or into --out).
- A deactivation receipt is checked against the machine key registered for its machine, the
  machine is deactivated and its seat freed; a confirmation is written beside it. A receipt
  applied twice reports "already deactivated" and succeeds.
Each file gets one result line; a failure (no seats left, a forged request, another product)
never stops the others. Rate limits are waited out.

Credentials, one of:
  --license-key KEY   the license key; "-" reads it from standard input (recommended).
                      Default: $TESSERA_LICENSE_KEY.
  --license-id ID     the license's id, with an admin or product token in $TESSERA_ADMIN_TOKEN
  (neither)           requests that carry their own license key use it

Options:
  --out FOLDER           write responses and confirmations there instead of beside each file
  --include-license-key  put the license key in the responses (the air-gapped machine then
                         needs no key to import them); anyone holding a response can read it
  --concurrency N        requests in flight at once, 1 to 64 (default ${DEFAULT_CONCURRENCY})
  --config FILE          the vendor configuration (default: $TESSERA_CONFIG, the app's
                         tessera.config.json, or the embedded local issuer)
  --json                 print {"ok":…,"results":[{"file","kind":"activation"|"deactivation",
                         "ok","code"?,"output"?,"machine"?}]}
  -h, --help             show this help

Exit status: 0 every file succeeded, 1 some file was refused (or none was found), 2 usage
error, 3 every failure was the licensing server being unreachable.
`;

/** A progress bar on standard error, on a terminal only: `[#####·····] 120/500`. */
function progressBar(io: Io, enabled: boolean): { draw(done: number, total: number): void; clear(): void } {
  let shown = false;
  return {
    draw(done, total) {
      if (!enabled) return;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      io.stderr(`\r\x1b[K[${'#'.repeat(filled)}${'·'.repeat(width - filled)}] ${done}/${total}`);
      shown = true;
    },
    clear() {
      if (shown) io.stderr('\r\x1b[K');
      shown = false;
    },
  };
}

function resultLine(result: FulfilResult): string {
  const what = result.kind === 'activation' ? 'activated' : 'deactivated, seat freed';
  if (result.ok && result.code === 'MACHINE_ALREADY_DEACTIVATED') return `✔ ${result.file}: already deactivated (machine ${result.machine ?? '?'})\n`;
  if (result.ok) return `✔ ${result.file}: ${what} (machine ${result.machine ?? '?'}) → ${result.output ?? ''}\n`;
  const code = result.code ?? 'REQUEST_REFUSED';
  return `✘ ${result.file}: ${messageFor(code).title} (${code}). ${messageFor(code).action}\n`;
}

/** The result as `--json` prints it: exactly file, kind, ok, and code, output, machine when known. */
function jsonResult(result: FulfilResult): Record<string, unknown> {
  return {
    file: result.file,
    kind: result.kind,
    ok: result.ok,
    ...(result.code === undefined ? {} : { code: result.code }),
    ...(result.output === undefined ? {} : { output: result.output }),
    ...(result.machine === undefined ? {} : { machine: result.machine }),
  };
}

/** The credentials, from the options and the environment: a license key, an admin token for one license, or the requests' own keys. */
async function readAccess(io: Io, values: { 'license-key'?: string | undefined; 'license-id'?: string | undefined }): Promise<{ access: FulfilAccess; secret: string | null }> {
  if (values['license-key'] !== undefined && values['license-id'] !== undefined) throw new UsageError('give --license-key or --license-id, not both');
  if (values['license-id'] !== undefined) {
    const token = io.env.TESSERA_ADMIN_TOKEN;
    if (token === undefined || token.trim() === '') throw new UsageError('--license-id needs an admin or product token in TESSERA_ADMIN_TOKEN');
    const adminToken = validateSecret(token, 'token in TESSERA_ADMIN_TOKEN');
    return { access: { kind: 'admin', adminToken, licenseId: validateId(values['license-id'], 'license') }, secret: adminToken };
  }
  const key = await readSecret(io, values['license-key'], 'license key', 'TESSERA_LICENSE_KEY');
  if (key === null) return { access: { kind: 'from-request' }, secret: null };
  if (key.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license-key -" (standard input) or TESSERA_LICENSE_KEY.');
  return { access: { kind: 'license-key', licenseKey: key.value }, secret: key.value };
}

const isFolder = (path: string): Promise<boolean> =>
  stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );

/** `tessera fulfil`: returns the process exit code. */
export async function fulfilCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...COMMON_OPTIONS,
      'license-key': { type: 'string' },
      'license-id': { type: 'string' },
      out: { type: 'string' },
      'include-license-key': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout(FULFIL_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError('fulfil needs at least one FILE or FOLDER');
  if (positionals.includes('-') && values['license-key'] === '-') throw new UsageError('standard input can carry the license key only');
  const concurrency = positiveInteger(values.concurrency, '--concurrency', 64) ?? DEFAULT_CONCURRENCY;
  if (values.out !== undefined && !(await isFolder(values.out))) throw new UsageError(`--out ${values.out}: not an existing folder`);
  for (const path of positionals) {
    if (!(await stat(path).then(() => true, () => false))) throw new UsageError(`cannot read ${path}: no such file or folder`);
  }
  const { access, secret } = await readAccess(io, values);
  const shown = redacting(io, secret === null ? [] : [secret]);

  return withLicensing(context, shown, values, async (runtime) => {
    const fulfiller = fulfillerFor(runtime, shown.env);
    if (fulfiller === null) return reportFailure(shown, fail('PUBLIC_KEY_INVALID'), values.json);
    const inputs = await fulfilInputs(positionals, isFolder);
    if (inputs.length === 0) {
      if (values.json) printJson(shown, { ok: false, results: [] });
      else shown.stderr(`No activation requests or deactivation receipts found in ${positionals.join(', ')}.\n`);
      return EXIT.refused;
    }
    const bar = progressBar(shown, shown.isTty && !values.json);
    const pool = filePoolFor(inputs.length);
    let results: FulfilResult[];
    try {
      bar.draw(0, inputs.length);
      results = await fulfilBatch(inputs, {
        fulfiller,
        pool,
        access,
        includeLicenseKey: values['include-license-key'],
        outFolder: values.out ?? null,
        concurrency,
        onResult: (result, done, total) => {
          if (values.json) return;
          bar.clear();
          shown.stdout(resultLine(result));
          bar.draw(done, total);
        },
      });
    } finally {
      bar.clear();
      await pool.close();
    }
    const failed = results.filter((result) => !result.ok);
    if (values.json) {
      printJson(shown, { ok: failed.length === 0, results: results.map(jsonResult) });
    } else {
      const activated = results.filter((result) => result.ok && result.kind === 'activation').length;
      const deactivated = results.filter((result) => result.ok && result.kind === 'deactivation').length;
      shown.stdout(`${activated} activated, ${deactivated} deactivated, ${failed.length} refused, of ${results.length} file${results.length === 1 ? '' : 's'}.\n`);
    }
    if (failed.length === 0) return EXIT.ok;
    return failed.every((result) => result.code !== undefined && exitCodeFor(result.code) === EXIT.unreachable) ? EXIT.unreachable : EXIT.refused;
  });
}
