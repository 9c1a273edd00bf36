import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createMachineService } from '../machine/machine.service.js';
import { appDataFolder } from '../platform/app-data.js';
import { EXIT, printFailure, printJson, UsageError, type Io } from './output.js';

export const START_HELP = `Usage: tessera start [--port N] [--json]

What "npm start" runs. With no vendor configured, starts the embedded local issuer (a
Keygen-compatible licensing server on 127.0.0.1, with a demo product and one license key per
demo policy), prints its address, public key and the demo keys, and runs until Ctrl-C.
Its database lives in the data folder (TESSERA_HOME, or the platform's app data folder), so
the same demo keys come back on the next start; its vendor configuration is written beside it
(issuer/tessera.config.json), where the other commands find it.

Options:
  --port N   port of the local issuer (default: any free port)
  --json     print the issuer's address, vendor configuration and demo keys as one JSON line
`;

/** The first line `tessera-issuer serve` prints (the admin token is read and dropped). */
interface IssuerStartLine {
  readonly url: string;
  readonly account: string;
  readonly publicKey: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly licenses: readonly { readonly key: string; readonly policy: string; readonly expiry: string | null; readonly suspended: boolean }[];
}

/** bin/tessera-issuer.js, from src/cli (tests), dist/src/cli (compiled) or dist/cli/chunks (the bundle). */
function issuerBin(): string {
  const candidates = ['../../bin/tessera-issuer.js', '../../../bin/tessera-issuer.js'].map((path) => fileURLToPath(new URL(path, import.meta.url)));
  return candidates.find((path) => existsSync(path)) ?? (candidates[1] as string);
}

/** `tessera start`: the product's front door; returns the process exit code. */
export async function startCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { port: { type: 'string', default: '0' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    io.stdout(START_HELP);
    return EXIT.ok;
  }
  if (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65_535) throw new UsageError(`invalid --port "${values.port}"`);

  const folder = join(appDataFolder({ env: io.env, platform: process.platform, home: homedir() }), 'issuer');
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const database = join(folder, 'issuer.db');
  // Signals are watched before the issuer starts, so Ctrl-C during start-up also stops it cleanly.
  const stopRequested = untilSignal();
  const child = spawn(process.execPath, [issuerBin(), 'serve', '--db', database, '--seed', 'demo', '--port', values.port], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit').then(([code]) => (typeof code === 'number' ? code : 1));
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([once(lines, 'line').then(([line]) => String(line)), exited.then(() => null)]);
  lines.close();
  if (first === null) {
    io.stderr(`✘ The local issuer did not start (see above). Its database is ${database}.\n  Next step: free the port, or move that file away to start afresh.\n`);
    return EXIT.refused;
  }
  const started = JSON.parse(first) as IssuerStartLine;
  // Other commands (activate, status, serve) find the embedded issuer through this file.
  writeConfig(join(folder, 'tessera.config.json'), started.config);

  if (values.json) {
    printJson(io, { issuer: { url: started.url, account: started.account, publicKey: started.publicKey, database }, config: started.config, licenses: started.licenses });
  } else {
    await printSummary(io, started, database);
  }

  const outcome = await Promise.race([stopRequested.then(() => 'signal' as const), exited.then(() => 'exited' as const)]);
  if (outcome === 'exited') {
    io.stderr('✘ The local issuer stopped unexpectedly (see above).\n  Next step: run "npm start" again.\n');
    return EXIT.refused;
  }
  child.kill('SIGTERM');
  return (await exited) === 0 ? EXIT.ok : EXIT.refused;
}

async function printSummary(io: Io, started: IssuerStartLine, database: string): Promise<void> {
  const width = Math.max(...started.licenses.map((license) => license.policy.length));
  const keys = started.licenses.map((license) => {
    const notes = [license.suspended ? 'suspended' : null, license.expiry === null ? null : `expires ${license.expiry}`].filter((note) => note !== null);
    return `  ${license.policy.padEnd(width)}  ${license.key}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`;
  });
  const fingerprint = await createMachineService().fingerprint();
  if (!fingerprint.ok) printFailure(io, fingerprint.code);
  io.stdout(
    [
      'Tessera — license activation and offline license files',
      '',
      'No vendor is configured, so Tessera runs its embedded local issuer:',
      `  Licensing API   ${started.url}/v1/accounts/${started.account}`,
      `  Public key      ${started.publicKey}`,
      `  Database        ${database}`,
      '',
      'Demo license keys:',
      ...keys,
      '',
      ...(fingerprint.ok ? [`This machine's fingerprint: ${fingerprint.value}`, ''] : []),
      'Verify a license or machine file offline:',
      `  node bin/tessera.js verify FILE --public-key ${started.publicKey} --license-key -`,
      'Run "node bin/tessera.js --help" for every command.',
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

/** Writes the vendor configuration atomically (temporary file, then rename), readable by the owner only. */
function writeConfig(path: string, config: Readonly<Record<string, unknown>>): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Resolves on the first SIGINT or SIGTERM, then stops listening. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
