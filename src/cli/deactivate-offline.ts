/** `tessera deactivate --offline`: the license leaves this machine, and a signed receipt is written for a connected machine to free the seat. */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { deactivateOffline } from '../airgap/offline-deactivation.js';
import { writeCarried } from '../airgap/write-carried.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { reportFailure } from './licensing-context.js';
import { EXIT, printJson, type Io } from './output.js';

/** Runs the offline deactivation on an opened runtime; returns the exit code. */
export async function deactivateOfflineCommand(io: Io, runtime: LicensingRuntime, options: { readonly out: string | undefined; readonly json: boolean }): Promise<number> {
  let written: string | null = null;
  const result = await deactivateOffline({
    manager: runtime.manager,
    secrets: runtime.secrets,
    config: runtime.config,
    dataFolder: runtime.dataFolder,
    hostname,
    now: Date.now,
    // Written before the pending receipt is dropped: a stick pulled out now leaves it for the next run.
    publish: async (name, text) => {
      const target = await targetFor(options.out, name);
      const outcome = await writeCarried(target, text);
      if (outcome.ok) written = outcome.value;
      return outcome;
    },
  });
  if (!result.ok) return reportFailure(io, result, options.json);
  const { licenseId, machineId, kept } = result.value;
  if (options.json) {
    printJson(io, { ok: true, licenseId, machineId, receipt: written ?? kept });
  } else {
    io.stdout(
      `✔ The license ${licenseId} and its key are removed from this machine.\n` +
        `  Deactivation receipt: ${written ?? kept}\n` +
        `  Next: on a connected machine, "tessera fulfil ${written ?? kept}" frees seat ${machineId} on the licensing server.\n`,
    );
  }
  return EXIT.ok;
}

async function targetFor(out: string | undefined, name: string): Promise<string> {
  if (out === undefined) return join(process.cwd(), name);
  const isFolder = await stat(out).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return isFolder ? join(out, name) : out;
}
