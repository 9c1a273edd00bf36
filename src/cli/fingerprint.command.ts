import { parseArgs } from 'node:util';
import { messageFor } from '../contract/messages.js';
import { createMachineService } from '../machine/machine.service.js';
import { EXIT, printFailure, printJson, type Io } from './output.js';

export const FINGERPRINT_HELP = `Usage: tessera fingerprint [--json]

Prints this machine's fingerprint: an app-scoped HMAC-SHA256 of the operating system's
machine id (the raw id never leaves the machine), plus the components sent on activation.
Give the fingerprint to your vendor to get a machine file for an offline machine.

Options:
  --json       print one JSON object: {"ok":true,"fingerprint":…,"platform":…,…}
  -h, --help   show this help

Exit status: 0 on success, 1 when the machine id cannot be read, 2 usage error.
`;

/** `tessera fingerprint`: returns the process exit code. */
export async function fingerprintCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(FINGERPRINT_HELP);
    return EXIT.ok;
  }
  const result = await createMachineService().describe();
  if (!result.ok) {
    if (values.json) printJson(io, { ok: false, code: result.code, message: messageFor(result.code).message });
    else printFailure(io, result.code);
    return EXIT.refused;
  }
  const machine = result.value;
  if (values.json) {
    printJson(io, { ok: true, ...machine });
  } else {
    io.stdout(
      [
        machine.fingerprint,
        `  Platform: ${machine.platform}`,
        `  Hostname: ${machine.hostname}`,
        `  Cores:    ${machine.cores}`,
        `  Memory:   ${machine.memory} bytes`,
        '',
      ].join('\n'),
    );
  }
  return EXIT.ok;
}
