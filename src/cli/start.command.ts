import { parseArgs } from 'node:util';
import { createMachineService } from '../machine/machine.service.js';
import { EXIT, printFailure, type Io } from './output.js';

export const START_HELP = `Usage: tessera start

What "npm start" runs. Prints this machine's fingerprint and what Tessera can do on it now.
`;

/** `tessera start`: the product's front door; returns the process exit code. */
export async function startCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) {
    io.stdout(START_HELP);
    return EXIT.ok;
  }
  const fingerprint = await createMachineService().fingerprint();
  if (!fingerprint.ok) {
    printFailure(io, fingerprint.code);
    return EXIT.refused;
  }
  io.stdout(
    [
      'Tessera — license activation and offline license files',
      '',
      `This machine's fingerprint: ${fingerprint.value}`,
      '',
      'Verify a license or machine file offline:',
      '  node bin/tessera.js verify FILE --public-key KEY [--license-key -]',
      'Verify every license file on a stick:',
      '  node bin/tessera.js verify /media/usb --public-key KEY',
      '',
      'Online activation, the local issuer and the desktop window are not part of this build yet.',
      'Run "node bin/tessera.js --help" for every command.',
      '',
    ].join('\n'),
  );
  return EXIT.ok;
}
