/**
 * `tessera import` of a folder, several files or an activation response: every file gets a
 * result line (installed, or why not), and the files are read and checked on every core.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportResult } from '../contract/airgap.types.js';
import { messageFor } from '../contract/messages.js';
import { importFiles, isImportName, type ImportInput } from '../airgap/import-files.js';
import { listFiles } from '../airgap/list-files.js';
import { filePoolFor } from '../airgap/worker-pool.js';
import { createMachineService } from '../machine/machine.service.js';
import { readSecret, redacting, warnSecretOnCommandLine, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, type Io } from './output.js';

const KIND_NAMES: Readonly<Record<ImportResult['kind'], string>> = {
  license: 'license file',
  machine: 'machine file',
  response: 'activation response',
  request: 'activation request',
  receipt: 'deactivation receipt',
  unknown: 'file',
};

function line(result: ImportResult): string {
  if (result.ok) return `✔ ${result.file}: ${KIND_NAMES[result.kind]} installed (license ${result.licenseId ?? '?'})\n`;
  const code = result.code ?? 'LICENSE_FILE_MALFORMED';
  return `✘ ${result.file}: ${KIND_NAMES[result.kind]} not installed: ${messageFor(code).title} (${code})\n`;
}

/** Runs the per-file import; returns the exit code (0 when at least one file was installed). */
export async function importMany(
  paths: readonly string[],
  io: Io,
  context: CliContext,
  values: { readonly config?: string | undefined; readonly json: boolean; readonly 'license-key'?: string | undefined },
): Promise<number> {
  const key = await readSecret(io, values['license-key'], 'license key', 'TESSERA_LICENSE_KEY');
  if (key?.source === 'argv') warnSecretOnCommandLine(io, 'license key', 'Prefer "--license-key -" (standard input) or TESSERA_LICENSE_KEY.');
  const shown = redacting(io, key === null ? [] : [key.value]);
  const inputs: ImportInput[] = [];
  for (const path of paths) {
    let folder = false;
    try {
      folder = (await stat(path)).isDirectory();
    } catch {
      folder = false;
    }
    if (folder) for (const file of await listFiles(path, { match: isImportName })) inputs.push({ path: file, shown: join(path, file.slice(path.length + 1)) });
    else inputs.push({ path, shown: path });
  }
  if (inputs.length === 0) {
    if (values.json) printJson(shown, { ok: false, results: [] });
    else shown.stderr(`No license files (.lic) or activation responses found in ${paths.join(', ')}.\n`);
    return EXIT.refused;
  }
  return withLicensing(context, shown, values, async (runtime) => {
    const pool = filePoolFor(inputs.length);
    let results: ImportResult[];
    try {
      results = await importFiles(
        inputs,
        { manager: runtime.manager, secrets: runtime.secrets, machine: createMachineService(), publicKey: runtime.config.publicKey, pool },
        key === null ? {} : { licenseKey: key.value },
      );
    } finally {
      await pool.close();
    }
    const installed = results.filter((result) => result.ok).length;
    if (values.json) {
      printJson(shown, {
        ok: installed > 0,
        results: results.map((result) => ({
          file: result.file,
          kind: result.kind,
          ok: result.ok,
          ...(result.code === undefined ? {} : { code: result.code }),
          ...(result.licenseId === undefined ? {} : { licenseId: result.licenseId }),
        })),
      });
    } else {
      for (const result of results) shown.stdout(line(result));
      shown.stdout(`${installed} installed, ${results.length - installed} not, of ${results.length} file${results.length === 1 ? '' : 's'}.\n`);
    }
    return installed > 0 ? EXIT.ok : EXIT.refused;
  });
}
